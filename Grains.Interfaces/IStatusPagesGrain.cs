using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Interfaces;

/// <summary>Writes of status-pages and the view a page shows (a stateless worker: use key 0); a client-scoped caller sees and writes only its client's.</summary>
[Alias("monitoring.status-pages")]
public interface IStatusPagesGrain : IGrainWithIntegerKey
{
    [Alias("create")]
    Task<Outcome<StatusPageRecord>> CreateAsync(StatusPageFields fields, long? scopeClientId);

    [Alias("get")]
    Task<Outcome<StatusPageRecord>> GetAsync(long id, long? scopeClientId);

    [Alias("change")]
    Task<Outcome<StatusPageRecord>> ChangeAsync(long id, StatusPageFields fields, bool replace, long? scopeClientId);

    [Alias("remove")]
    Task<Outcome<StatusPageRecord>> RemoveAsync(long id, long? scopeClientId);

    /// <summary>The page at <paramref name="slug"/> with what it shows; null when there is none. Who may see it is the caller's to decide.</summary>
    [Alias("view")]
    Task<StatusPageView?> ViewAsync(string slug);
}
