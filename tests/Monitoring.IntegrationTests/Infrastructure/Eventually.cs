namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>Polls a condition with a deadline; the failure message says what was awaited.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string awaited, TimeSpan? interval = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception ex)
            {
                last = ex;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"Timed out after {timeout} waiting for {awaited}." + (last is null ? string.Empty : $" Last error: {last.Message}"));
    }

    public static Task IsTrueAsync(Func<Task<bool>> probe, TimeSpan timeout, string awaited, TimeSpan? interval = null) =>
        ReturnsAsync<object>(async () => await probe() ? new object() : null, timeout, awaited, interval);
}
