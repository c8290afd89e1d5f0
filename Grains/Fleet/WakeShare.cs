namespace Monitoring.Grains.Fleet;

/// <summary>
/// Which services one silo wakes in a sweep: the active silos, in a stable order, split the enabled services
/// by id, so N silos each call about 1/N of them and together all of them. Pure; the order of the silo
/// names only has to be the same on every silo.
/// </summary>
public static class WakeShare
{
    /// <summary>The ids of <paramref name="ids"/> that <paramref name="self"/> wakes; none when it is not among <paramref name="activeSilos"/>.</summary>
    public static IReadOnlyList<long> Of(IReadOnlyList<long> ids, IEnumerable<string> activeSilos, string self) =>
        NotActiveHere(ids, activeSilos, self, _ => false);

    /// <summary>
    /// The ids of <paramref name="ids"/> that <paramref name="self"/> wakes in a sweep: its share, less the services whose
    /// grains are active on it (<paramref name="activeHere"/>) and so scheduled already.
    /// </summary>
    public static IReadOnlyList<long> NotActiveHere(IReadOnlyList<long> ids, IEnumerable<string> activeSilos, string self, Func<long, bool> activeHere)
    {
        var silos = activeSilos.Order(StringComparer.Ordinal).ToList();
        var index = silos.IndexOf(self);
        if (index < 0)
        {
            return [];
        }

        return ids.Where(id => Slot(id, silos.Count) == index && !activeHere(id)).ToList();
    }

    /// <summary>Which of <paramref name="count"/> silos (0-based, in the agreed order) takes service <paramref name="id"/>.</summary>
    public static int Slot(long id, int count) => (int)((ulong)id % (ulong)count);
}
