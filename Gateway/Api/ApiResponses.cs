using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.Json;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Api;

/// <summary>Writes records and pages as the contract's JSON, keeping only the <c>$select</c>ed fields (and id) when asked.</summary>
public static class ApiResponses
{
    public static IResult Record<T>(T record, JsonTypeInfo<T> info, IReadOnlyList<string>? select = null, int status = StatusCodes.Status200OK)
    {
        if (select is null)
        {
            return TypedResults.Json(record, info, statusCode: status);
        }

        var node = System.Text.Json.JsonSerializer.SerializeToNode(record, info)!;
        Project(node, select);
        return TypedResults.Json(node, ApiJson.Context.JsonNode, statusCode: status);
    }

    public static IResult Page<T>(Page<T> page, JsonTypeInfo<Page<T>> info, IReadOnlyList<string>? select)
    {
        if (select is null)
        {
            return TypedResults.Json(page, info);
        }

        var node = System.Text.Json.JsonSerializer.SerializeToNode(page, info)!;
        foreach (var item in node["data"]!.AsArray())
        {
            Project(item!, select);
        }

        return TypedResults.Json(node, ApiJson.Context.JsonNode);
    }

    /// <summary>
    /// A page where some records may be shown only in part: <paramref name="visible"/> names the fields (besides id)
    /// the caller may see of a record, or null for all of it.
    /// </summary>
    public static IResult Page<T>(Page<T> page, JsonTypeInfo<Page<T>> info, IReadOnlyList<string>? select, Func<T, IReadOnlyList<string>?> visible)
    {
        var node = System.Text.Json.JsonSerializer.SerializeToNode(page, info)!;
        var items = node["data"]!.AsArray();
        for (var i = 0; i < items.Count; i++)
        {
            if (visible(page.Data[i]) is { } fields)
            {
                Project(items[i]!, fields);
            }

            if (select is not null)
            {
                Project(items[i]!, select);
            }
        }

        return TypedResults.Json(node, ApiJson.Context.JsonNode);
    }

    /// <summary>A record shown only in part (<paramref name="visible"/> null: all of it), then <c>$select</c>ed.</summary>
    public static IResult Record<T>(T record, JsonTypeInfo<T> info, IReadOnlyList<string>? select, IReadOnlyList<string>? visible)
    {
        if (visible is null)
        {
            return Record(record, info, select);
        }

        var node = System.Text.Json.JsonSerializer.SerializeToNode(record, info)!;
        Project(node, visible);
        if (select is not null)
        {
            Project(node, select);
        }

        return TypedResults.Json(node, ApiJson.Context.JsonNode);
    }

    public static IResult From<T>(Outcome<T> outcome, JsonTypeInfo<T> info, int status = StatusCodes.Status200OK) =>
        outcome.Failure is { } failure ? ErrorResults.From(failure) : Record(outcome.Value!, info, status: status);

    private static void Project(JsonNode record, IReadOnlyList<string> select)
    {
        var item = record.AsObject();
        foreach (var name in item.Select(p => p.Key).Where(k => k != "id" && !select.Contains(k)).ToList())
        {
            item.Remove(name);
        }
    }
}
