using Dapper;
using Monitoring.Grains.Interfaces.Models;
using Npgsql;

namespace Monitoring.Grains.Data;

/// <summary>
/// What resources that belong to one client and list some of its services (maintenance windows, status pages) check
/// alike: which client a create is for, and that every listed service is that client's.
/// </summary>
public sealed class ClientOwnership(NpgsqlDataSource dataSource)
{
    static ClientOwnership() => DapperSetup.Ensure();

    /// <summary>
    /// The client a create is for: its <c>client_id</c>, or the caller's scope when it has none. A failure when neither
    /// names one, or when a scoped caller names another client (answered as an unknown client, as its other ids are).
    /// </summary>
    public static Failure? ClientForCreate(Optional<long?> field, long? scopeClientId, out long clientId)
    {
        clientId = 0;
        if (field.IsSet && field.Value is { } named)
        {
            clientId = named;
        }
        else if (scopeClientId is { } scope)
        {
            clientId = scope;
        }
        else
        {
            return Failure.Invalid("client_id", "is required");
        }

        return scopeClientId is { } caller && caller != clientId ? Failure.UnknownClient(clientId) : null;
    }

    /// <summary>A 400 naming the services of <paramref name="serviceIds"/> that are not <paramref name="clientId"/>'s; null when all are.</summary>
    public async Task<Failure?> ForeignServicesAsync(long clientId, long[] serviceIds)
    {
        if (serviceIds.Length == 0)
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        var found = await connection.QueryAsync<long>(
            "SELECT id FROM client_services WHERE client_id = @clientId AND id = ANY(@serviceIds)", new { clientId, serviceIds });
        var foreign = serviceIds.Except(found).ToArray();
        return foreign.Length == 0
            ? null
            : Failure.Invalid("service_ids", $"{string.Join(", ", foreign.Take(20))} {(foreign.Length == 1 ? "is not a service" : "are not services")} of client {clientId}");
    }
}
