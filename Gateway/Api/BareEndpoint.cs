namespace Monitoring.Gateway.Api;

/// <summary>
/// For scripts/bench.sh only (off unless <c>Bench:BareEndpoint</c> is true): <c>/__bench/bare</c> answers the
/// bytes last PUT to it through the same pipeline as the API (authentication included) but without Orleans,
/// the ceiling the grain-served GETs are compared with.
/// </summary>
public static class BareEndpoint
{
    private static byte[] body = "{}"u8.ToArray();

    public static IEndpointRouteBuilder MapBareEndpointIfEnabled(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        if (!configuration.GetValue<bool>("Bench:BareEndpoint"))
        {
            return app;
        }

        var bare = app.MapGroup("/__bench/bare").RequireAuthorization();
        bare.MapGet("/", () => TypedResults.Bytes(body, "application/json; charset=utf-8"));
        bare.MapPut("/", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            body = buffer.ToArray();
            return TypedResults.NoContent();
        });
        return app;
    }
}
