using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Platform;

/// <summary>Where Orleans traffic listens, and TLS between silos and gateways when a certificate is set.</summary>
public sealed class OrleansTransportTests
{
    [Fact]
    public async Task A_silo_listens_for_orleans_traffic_on_loopback_only_by_default()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var fleet = new ProcessFleet(database);
        var (siloPort, gatewayPort) = (FreePort.Next(), FreePort.Next());
        fleet.StartSilo(new Dictionary<string, string?> { ["SILO_PORT"] = siloPort.ToString(), ["GATEWAY_PORT"] = gatewayPort.ToString() });

        await Eventually.IsTrueAsync(() => Task.FromResult(Listeners(gatewayPort).Count > 0 && Listeners(siloPort).Count > 0),
            TimeSpan.FromSeconds(60), "the silo to listen on its ports");

        Assert.Equal([IPAddress.Loopback], Listeners(siloPort));
        Assert.Equal([IPAddress.Loopback], Listeners(gatewayPort));
    }

    [Fact]
    public async Task With_a_certificate_silos_and_gateways_talk_tls_and_a_gateway_without_it_is_refused()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var fleet = new ProcessFleet(database);
        var folder = Directory.CreateTempSubdirectory("orleans-tls-");
        var pfx = Path.Combine(folder.FullName, "fleet.pfx");
        var certificate = SelfSigned("monitoring-fleet");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "fleet-password"));
        var pem = Path.Combine(folder.FullName, "fleet.pem");
        await File.WriteAllTextAsync(pem, certificate.ExportCertificatePem() + "\n" + certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var tls = new Dictionary<string, string?>
        {
            ["ORLEANS_TLS_CERTIFICATE"] = pfx,
            ["ORLEANS_TLS_CERTIFICATE_PASSWORD"] = "fleet-password",

            // Not the fleet's fast failure detection (one missed 1-s probe and a silo is dead): a TLS handshake between two
            // silos starting together on a loaded 2-core box can miss that, and the silo declared dead stops (seen once
            // in a full run). This test is about TLS, not about how fast a death is declared.
            ["Orleans__Membership__ProbeTimeout"] = "00:00:05",
            ["Orleans__Membership__NumMissedProbesLimit"] = "3",
        };

        // Act: two silos (PKCS#12) and a gateway (the same certificate as PEM) with TLS, and a gateway without it.
        var silos = new[] { fleet.StartSilo(tls), fleet.StartSilo(tls) };
        var (_, http) = await fleet.StartGatewayAsync(new Dictionary<string, string?> { ["ORLEANS_TLS_CERTIFICATE"] = pem });
        var plainPort = FreePort.Next();
        await using var plain = MonitoringProcess.Start(RepositoryPaths.GatewayDll, fleet.Environment(new Dictionary<string, string?> { ["HOST"] = "127.0.0.1", ["PORT"] = plainPort.ToString() }));
        using var plainHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{plainPort}"), Timeout = TimeSpan.FromSeconds(5) };

        // Assert: the TLS fleet serves, both silos joined, the plain gateway never becomes ready.
        var client = await http.CreateClientAsync();
        Assert.True(client > 0);
        try
        {
            await Eventually.IsTrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 3") == 2,
                // Two silos and two gateways starting at once on a 2-core box that has just run other tests can take a while.
                TimeSpan.FromSeconds(150), "both TLS silos to be active");
        }
        catch (TimeoutException ex)
        {
            var rows = await database.ScalarAsync<string>("SELECT string_agg(address || ':' || port || ' status ' || status, ', ') FROM orleansmembershiptable");
            throw new TimeoutException($"{ex.Message} Membership: {rows}.\n" + string.Join("\n", silos.Select((silo, i) =>
                $"silo {i + 1} (exited: {silo.HasExited}), its warnings and errors:\n" + string.Join("\n", silo.OutputLines.Where(l => l.Contains("warn:") || l.Contains("fail:") || l.Contains("crit:")).TakeLast(40)))), ex);
        }
        await Eventually.IsTrueAsync(async () =>
        {
            try
            {
                return (await plainHttp.GetAsync("/livez")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the plain gateway to answer /livez");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await plainHttp.GetAsync("/readyz")).StatusCode);
            await Task.Delay(500);
        }

        folder.Delete(recursive: true);
    }

    [Theory]
    [InlineData("missing.pfx", "does not exist")]
    [InlineData("garbage.pfx", "cannot be read")]
    public async Task A_certificate_that_cannot_be_used_stops_the_silo_with_a_message(string file, string expected)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var fleet = new ProcessFleet(database);
        var folder = Directory.CreateTempSubdirectory("orleans-tls-");
        var path = Path.Combine(folder.FullName, file);
        if (file.StartsWith("garbage", StringComparison.Ordinal))
        {
            await File.WriteAllTextAsync(path, "not a certificate");
        }

        var silo = fleet.StartSilo(new Dictionary<string, string?> { ["ORLEANS_TLS_CERTIFICATE"] = path });

        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"ORLEANS_TLS_CERTIFICATE", silo.Output);
        Assert.Contains(expected, silo.Output);
        folder.Delete(recursive: true);
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>The local addresses listening on TCP <paramref name="port"/>, from /proc/net/tcp and tcp6 (no traffic sent).</summary>
    private static List<IPAddress> Listeners(int port)
    {
        var found = new List<IPAddress>();
        foreach (var (file, v6) in new[] { ("/proc/net/tcp", false), ("/proc/net/tcp6", true) })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] != "0A" || int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != port)
                {
                    continue;
                }

                var bytes = Convert.FromHexString(local[0]);
                // The kernel prints each 32-bit word in host (little-endian) order.
                for (var i = 0; i < bytes.Length; i += 4)
                {
                    Array.Reverse(bytes, i, 4);
                }

                var address = new IPAddress(bytes);
                found.Add(v6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
            }
        }

        return found;
    }
}
