using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;

namespace Monitoring.Grains.StatusPages;

/// <summary>
/// Applies a create or patch body to a status page by operations.md's rules: <c>slug</c> matching
/// <c>[a-z0-9-]{3,60}</c>, <c>title</c> 1–200 characters, <c>description</c> at most 2000 or null,
/// <c>service_ids</c> (distinct, in order, at most <see cref="MaxServices"/>), <c>public</c> true or false.
/// Whether the services are the client's is looked up by the caller.
/// </summary>
public static class StatusPageValidator
{
    public const int MaxServices = 1000;
    public const int MaxTitle = 200;
    public const int MaxDescription = 2000;

    public static bool TryApply(StatusPageRow current, StatusPageFields fields, bool creating, out StatusPageRow result, out Failure? failure)
    {
        var errors = new Dictionary<string, string>();
        var next = current;

        if (fields.Slug.IsSet || creating)
        {
            var slug = fields.Slug.Or(null);
            if (slug is null)
            {
                errors["slug"] = fields.Slug.IsSet ? "must be a string" : "is required";
            }
            else if (!StatusPageRecord.IsSlug(slug))
            {
                errors["slug"] = "must be 3 to 60 characters of a-z, 0-9 and -";
            }
            else
            {
                next = next with { Slug = slug };
            }
        }

        if (fields.Title.IsSet || creating)
        {
            var title = fields.Title.Or(null)?.Trim();
            if (string.IsNullOrEmpty(title))
            {
                errors["title"] = fields.Title.IsSet ? "must be a non-empty string" : "is required";
            }
            else if (TextLength.Of(title) > MaxTitle)
            {
                errors["title"] = $"must be at most {MaxTitle} characters";
            }
            else
            {
                next = next with { Title = title };
            }
        }

        if (fields.Description.IsSet)
        {
            var description = fields.Description.Value;
            if (description is not null && TextLength.Of(description) > MaxDescription)
            {
                errors["description"] = $"must be at most {MaxDescription} characters, or null";
            }
            else
            {
                next = next with { Description = string.IsNullOrWhiteSpace(description) ? null : description };
            }
        }

        if (fields.ServiceIds.IsSet)
        {
            if (fields.ServiceIds.Value is not { } ids)
            {
                errors["service_ids"] = "must be an array of service ids";
            }
            else if (ids.Length > MaxServices)
            {
                errors["service_ids"] = $"must name at most {MaxServices} services";
            }
            else
            {
                next = next with { ServiceIds = ids.Distinct().ToArray() };
            }
        }

        if (fields.Public.IsSet)
        {
            if (fields.Public.Value is { } shown)
            {
                next = next with { Public = shown };
            }
            else
            {
                errors["public"] = "must be true or false";
            }
        }

        result = next;
        failure = errors.Count > 0 ? Failure.ForFields(errors) : null;
        return failure is null;
    }
}
