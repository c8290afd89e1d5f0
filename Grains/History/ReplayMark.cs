namespace Monitoring.Grains.History;

/// <summary>
/// How many journal segments a silo's result writer had replayed into PostgreSQL when the mark was taken, or -1 when its
/// journal held results then (see <see cref="StatusWriter.MarkReplays"/>).
/// </summary>
public readonly record struct ReplayMark(long Replays);
