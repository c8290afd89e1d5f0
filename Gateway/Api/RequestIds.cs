using System.Globalization;

namespace Monitoring.Gateway.Api;

/// <summary>Ids in paths are positive integers; anything else is a 400 (what Feathers + Knex answers for it).</summary>
public static class RequestIds
{
    public static bool TryParse(string text, out long id, out IResult? error)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0)
        {
            error = null;
            return true;
        }

        error = Errors.ErrorResults.BadRequest($"Invalid id '{(text.Length <= 40 ? text : text[..40] + "…")}': ids are positive integers");
        return false;
    }
}
