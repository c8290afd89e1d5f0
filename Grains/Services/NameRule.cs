using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Services;

/// <summary>The rule every resource's <c>name</c> follows: trimmed, required on create, 1–200 characters (as varchar(200) counts them).</summary>
internal static class NameRule
{
    public const int MaxLength = 200;

    /// <summary>
    /// The trimmed name to store, or null when there is nothing to change (not sent on a patch) or it is wrong;
    /// a wrong one is recorded in <paramref name="errors"/> under <c>name</c>.
    /// </summary>
    public static string? Apply(Optional<string?> field, bool creating, Dictionary<string, string> errors)
    {
        if (!field.IsSet && !creating)
        {
            return null;
        }

        var name = field.Or(null)?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors["name"] = field.IsSet ? "must be a non-empty string" : "is required";
            return null;
        }

        if (TextLength.Of(name) > MaxLength)
        {
            errors["name"] = $"must be at most {MaxLength} characters";
            return null;
        }

        return name;
    }
}
