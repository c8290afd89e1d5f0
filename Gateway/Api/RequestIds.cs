using System.Globalization;

namespace Monitoring.Gateway.Api;

/// <summary>
/// Ids in paths are integers: one that is not is a 400, one that cannot exist (0 or below) a 404, as
/// Feathers + Knex answer them.
/// </summary>
public static class RequestIds
{
    public static bool TryParse(string text, out long id, out IResult? error)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out id))
        {
            error = id > 0 ? null : Errors.ErrorResults.NoRecord(id);
            return id > 0;
        }

        error = Errors.ErrorResults.BadRequest($"Invalid id '{(text.Length <= 40 ? text : text[..40] + "…")}': ids are positive integers");
        return false;
    }
}
