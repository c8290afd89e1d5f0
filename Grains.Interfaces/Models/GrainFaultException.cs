namespace Monitoring.Grains.Interfaces.Models;

/// <summary>
/// A grain call failed in a way its interface does not describe (a bug, or an exception type Orleans has no
/// codec for). The silo logs the original; the caller gets this, which always crosses the wire, and the
/// gateway answers 500 without details.
/// </summary>
[GenerateSerializer, Alias("grain-fault")]
public sealed class GrainFaultException : Exception
{
    public GrainFaultException(string message)
        : base(message)
    {
    }
}
