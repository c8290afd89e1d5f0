using System.Net.Http.Headers;
using System.Text;

namespace Monitoring.Grains.Delivery;

/// <summary>One JSON POST to a receiver through the <see cref="ClientName"/> client (15 s timeout, no redirects), answered as an <see cref="AttemptResult"/>.</summary>
public sealed class HttpAttempt(IHttpClientFactory clients, TimeProvider time)
{
    public const string ClientName = "alert-deliveries";

    /// <summary>Each attempt gives up after 15 s (alerting.md).</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);

    public async Task<AttemptResult> PostJsonAsync(string url, string body, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AttemptTimeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return AttemptResult.FromHttp(response.StatusCode, RetryAfter(response), response.ReasonPhrase);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AttemptResult.NoAnswer($"no answer within {AttemptTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex) when (ex.InnerException is Checking.DeniedAddressException denied)
        {
            return new AttemptResult(false, null, denied.Message, Final: true);
        }
        catch (HttpRequestException ex)
        {
            return AttemptResult.NoAnswer(ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow(),
        _ => null,
    };
}
