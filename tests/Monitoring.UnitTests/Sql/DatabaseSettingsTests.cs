using Microsoft.Extensions.Configuration;
using Monitoring.Sql;
using Npgsql;

namespace Monitoring.UnitTests.Sql;

public sealed class DatabaseSettingsTests
{
    [Theory]
    [InlineData("postgresql://u:p@db/monitoring", null, DatabaseSettings.DefaultMaxPoolSize)]
    [InlineData("postgresql://u:p@db/monitoring", "7", 7)]
    [InlineData("postgresql://u:p@db/monitoring?Maximum%20Pool%20Size=50", null, 50)]
    [InlineData("postgresql://u:p@db/monitoring?Maximum%20Pool%20Size=50", "7", 50)]
    [InlineData("Host=db;Database=monitoring;Maximum Pool Size=3", null, 3)]
    [InlineData("Host=db;Database=monitoring", "250", 250)]
    [InlineData("Host=db;Database=monitoring;Maximum Pool Size=100", null, 100)]
    [InlineData("Host=db;Database=monitoring;MaxPoolSize=100", "7", 100)]
    [InlineData("postgresql://u:p@db/monitoring?maximum%20pool%20size=100", null, 100)]
    public void Each_pool_is_bounded_unless_the_url_names_a_size(string url, string? setting, int expected)
    {
        var settings = DatabaseSettings.Read(Configuration(url, setting));

        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(settings.ConnectionString).MaxPoolSize);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("many")]
    [InlineData("1001")]
    public void A_pool_size_that_is_not_a_sensible_number_is_refused_by_name(string setting)
    {
        var error = Assert.Throws<SettingException>(() => DatabaseSettings.Read(Configuration("postgresql://u:p@db/monitoring", setting)));

        Assert.Contains("Database__MaxPoolSize", error.Message);
    }

    private static IConfiguration Configuration(string url, string? poolSize) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = url,
            ["Database:MaxPoolSize"] = poolSize,
        }).Build();
}
