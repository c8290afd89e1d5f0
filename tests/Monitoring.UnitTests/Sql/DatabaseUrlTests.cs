using Monitoring.Sql;
using Npgsql;

namespace Monitoring.UnitTests.Sql;

public sealed class DatabaseUrlTests
{
    [Theory]
    [InlineData("postgresql://monitoring:secret@db.example.com:5433/monitoring", "db.example.com", 5433, "monitoring", "monitoring", "secret")]
    [InlineData("postgres://monitoring:secret@db.example.com:5433/monitoring", "db.example.com", 5433, "monitoring", "monitoring", "secret")]
    [InlineData("postgresql://app@localhost/appdb", "localhost", 5432, "appdb", "app", null)]
    [InlineData("postgresql://app:@localhost/appdb", "localhost", 5432, "appdb", "app", null)]
    [InlineData("postgresql://127.0.0.1:6543/appdb", "127.0.0.1", 6543, "appdb", null, null)]
    [InlineData("  postgresql://u:p@h/d  ", "h", 5432, "d", "u", "p")]
    [InlineData("POSTGRESQL://u:p@H/d", "h", 5432, "d", "u", "p")]
    public void Reads_the_url_form(string url, string host, int port, string database, string? username, string? password)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString(url));

        Assert.Equal(host, builder.Host);
        Assert.Equal(port, builder.Port);
        Assert.Equal(database, builder.Database);
        Assert.Equal(username, builder.Username);
        Assert.Equal(password, builder.Password);
    }

    [Theory]
    [InlineData("postgresql://us%40er:p%40ss%3Aw%2Fo%25rd@host/db", "us@er", "p@ss:w/o%rd", "db")]
    [InlineData("postgresql://user:p%3Bw%3D1%20x%27@host/my%20db", "user", "p;w=1 x'", "my db")]
    [InlineData("postgresql://user:%C3%A9t%C3%A9@host/db", "user", "été", "db")]
    [InlineData("postgresql://user:a+b@host/db", "user", "a+b", "db")]
    [InlineData("postgresql://us%3Aer:pw@host/db", "us:er", "pw", "db")]
    public void Percent_decodes_user_password_and_database(string url, string username, string password, string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString(url));

        Assert.Equal(username, builder.Username);
        Assert.Equal(password, builder.Password);
        Assert.Equal(database, builder.Database);
        Assert.Equal("host", builder.Host);
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("allow", SslMode.Allow)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    [InlineData("REQUIRE", SslMode.Require)]
    public void Reads_the_sslmode(string sslmode, SslMode expected)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString($"postgresql://u:p@h/d?sslmode={sslmode}"));

        Assert.Equal(expected, builder.SslMode);
    }

    [Fact]
    public void Reads_other_url_parameters()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString(
            "postgresql://u:p@h/d?connect_timeout=7&application_name=monitoring%20silo&Maximum%20Pool%20Size=20&&sslmode=require"));

        Assert.Equal(7, builder.Timeout);
        Assert.Equal("monitoring silo", builder.ApplicationName);
        Assert.Equal(20, builder.MaxPoolSize);
        Assert.Equal(SslMode.Require, builder.SslMode);
    }

    [Theory]
    [InlineData("Host=h;Port=5433;Database=d;Username=u;Password=p", "h", 5433, "d", "u", "p")]
    [InlineData("Host=h;Database=d", "h", 5432, "d", null, null)]
    [InlineData("Server=h;Database=d;User Id=u;Password=p;SSL Mode=Require", "h", 5432, "d", "u", "p")]
    public void Passes_connection_strings_through(string value, string host, int port, string database, string? username, string? password)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString(value));

        Assert.Equal(host, builder.Host);
        Assert.Equal(port, builder.Port);
        Assert.Equal(database, builder.Database);
        Assert.Equal(username, builder.Username);
        Assert.Equal(password, builder.Password);
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("   ", "it is empty")]
    [InlineData("mysql://u:p@h/d", "expected postgresql://user:password@host:port/database")]
    [InlineData("http://u:p@h/d", "expected postgresql://user:password@host:port/database")]
    [InlineData("postgresql://u:p@h:99999/d", "expected postgresql://user:password@host:port/database")]
    [InlineData("postgresql://u:p@h:port/d", "expected postgresql://user:password@host:port/database")]
    [InlineData("postgresql://u:p@h", "it names no database")]
    [InlineData("postgresql://u:p@h/", "it names no database")]
    [InlineData("Host=h", "it names no database")]
    [InlineData("Database=d", "it names no host")]
    [InlineData("Database=d;Host=", "it names no host")]
    public void Refuses_malformed_values(string value, string expectedMessage)
    {
        var error = Assert.Throws<FormatException>(() => DatabaseUrl.ToConnectionString(value));

        Assert.Equal(expectedMessage, error.Message);
    }

    [Theory]
    [InlineData("postgresql://u:secretpw@h/d?sslmode=sometimes", "its parameter 'sslmode' is not understood (")]
    [InlineData("postgresql://u:secretpw@h/d?connect_timeout=soon", "its parameter 'connect_timeout' is not understood (")]
    [InlineData("postgresql://u:secretpw@h/d?connect_timeout=99999999999", "its parameter 'connect_timeout' is not understood (")]
    [InlineData("postgresql://u:secretpw@h/d?no_such_setting=1", "its parameter 'no_such_setting' is not understood (")]
    [InlineData("Host=h;Database=d;Password=secretpw;No Such Setting=1", "it is neither a postgresql:// URL nor a valid connection string (")]
    [InlineData("just some text", "it is neither a postgresql:// URL nor a valid connection string (")]
    public void Refuses_unknown_parameters_without_repeating_the_password(string value, string expectedStart)
    {
        var error = Assert.Throws<FormatException>(() => DatabaseUrl.ToConnectionString(value));

        Assert.StartsWith(expectedStart, error.Message);
        Assert.DoesNotContain("secretpw", error.Message);
    }
}
