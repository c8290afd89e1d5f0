using System.Text.RegularExpressions;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;

namespace Monitoring.Grains.Clients;

/// <summary>The contract's rules for a client: name required (trimmed, 1–200), description ≤ 2000, e-mail-like contact.</summary>
public static partial class ClientValidator
{
    public static bool TryApply(ClientRecord current, ClientFields fields, bool creating, out ClientRecord result, out Failure? failure)
    {
        var errors = new Dictionary<string, string>();
        var next = current;

        if (NameRule.Apply(fields.Name, creating, errors) is { } name)
        {
            next = next with { Name = name };
        }

        if (fields.Description.IsSet)
        {
            if (fields.Description.Value is { } description && TextLength.Of(description) > 2000)
            {
                errors["description"] = "must be at most 2000 characters";
            }
            else
            {
                next = next with { Description = fields.Description.Value };
            }
        }

        if (fields.ContactEmail.IsSet)
        {
            // An empty field of a form means "no address".
            var email = fields.ContactEmail.Value?.Trim() is { Length: > 0 } given ? given : null;
            if (email is not null && (email.Length > 320 || !EmailShape().IsMatch(email)))
            {
                errors["contact_email"] = "must be an e-mail address (name@example.com)";
            }
            else
            {
                next = next with { ContactEmail = email };
            }
        }

        result = next;
        failure = errors.Count == 0 ? null : Failure.ForFields(errors);
        return failure is null;
    }

    [GeneratedRegex(@"^[^\s@]+@[^\s@]+\.[^\s@]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailShape();
}
