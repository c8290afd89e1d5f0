using Microsoft.Extensions.Options;
using Monitoring.Sql;
using Npgsql;

namespace Monitoring.Hosting;

/// <summary>
/// How the silo and the gateway end when they cannot start, the same for both: one line on standard error
/// that names the problem, and an exit code a supervisor can act on.
/// </summary>
public static class HostExit
{
    /// <summary>A setting is missing or malformed (or an option failed its validation at start).</summary>
    public const int BadSetting = 2;

    /// <summary>The database lacks migrations; run <c>migrate</c>.</summary>
    public const int NotMigrated = 3;

    /// <summary>The database of DATABASE_URL cannot be reached.</summary>
    public const int DatabaseUnreachable = 4;

    /// <summary>Runs <paramref name="run"/> and turns the start-up failures above into their exit codes.</summary>
    public static async Task<int> RunAsync(string program, Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (SettingException ex)
        {
            return Fail(program, ex.Message, BadSetting);
        }
        catch (OptionsValidationException ex)
        {
            return Fail(program, string.Join("; ", ex.Failures), BadSetting);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            // Several options failed at once: one line for all of them.
            return Fail(program, string.Join("; ", ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)), BadSetting);
        }
        catch (SchemaNotMigratedException ex)
        {
            return Fail(program, ex.Message, NotMigrated);
        }
        catch (NpgsqlException ex)
        {
            return Fail(program, $"cannot reach the database of DATABASE_URL: {ex.Message}", DatabaseUnreachable);
        }
    }

    private static int Fail(string program, string message, int code)
    {
        Console.Error.WriteLine($"{program}: {message.ReplaceLineEndings(" ")}");
        return code;
    }
}
