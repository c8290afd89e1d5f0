using Microsoft.Extensions.Logging;
using Monitoring.Grains.Interfaces.Models;
using Npgsql;

namespace Monitoring.Grains;

/// <summary>
/// Lets through the exceptions the gateway maps (Orleans' own, timeouts, cancellations, PostgreSQL's, which
/// become 503) and turns any other into a <see cref="GrainFaultException"/>: an exception type without an
/// Orleans codec (Cronos' MissingSeedException, say) would otherwise reach the caller as an undecodable
/// failure. Refusals of input are never exceptions: grains return them as a <see cref="Failure"/>.
/// </summary>
public sealed partial class GrainFaultFilter(ILogger<GrainFaultFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (!Travels(ex))
        {
            LogFault(logger, context.InterfaceName, context.MethodName, ex);
            throw new GrainFaultException($"{context.MethodName} failed on the silo ({ex.GetType().Name}); see the silo's log");
        }
    }

    /// <summary>Whether the caller can receive and map <paramref name="ex"/> as it is.</summary>
    public static bool Travels(Exception ex) =>
        ex is OrleansException or TimeoutException or OperationCanceledException or NpgsqlException or GrainFaultException;

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain call {Interface}.{Method} failed")]
    private static partial void LogFault(ILogger logger, string @interface, string method, Exception exception);
}
