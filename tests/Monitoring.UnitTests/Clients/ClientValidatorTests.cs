using Monitoring.Grains.Clients;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.UnitTests.Clients;

public sealed class ClientValidatorTests
{
    // What the registry starts a create from.
    private static readonly ClientRecord Blank = new(0, string.Empty, null, null, default, default);

    private static readonly ClientRecord Current = new(7, "Acme", "Our biggest client", "ops@acme.example", Times.At("2026-01-01T00:00:00Z"), Times.At("2026-02-01T00:00:00Z"));

    [Fact]
    public void A_create_takes_the_trimmed_name_and_leaves_the_rest_null()
    {
        var valid = ClientValidator.TryApply(Blank, new ClientFields { Name = "  Acme  " }, creating: true, out var result, out var failure);

        Assert.True(valid);
        Assert.Null(failure);
        Assert.Equal(Blank with { Name = "Acme" }, result);
    }

    [Fact]
    public void A_create_without_a_name_names_it_as_required()
    {
        var valid = ClientValidator.TryApply(Blank, new ClientFields { Description = "x" }, creating: true, out _, out var failure);

        Assert.False(valid);
        Assert.Equal("name is required", failure!.Message);
        Assert.Equal(new Dictionary<string, string> { ["name"] = "is required" }, failure.Errors);
    }

    public static TheoryData<string, ClientFields, string> Refused() => new()
    {
        { "name", new ClientFields { Name = string.Empty }, "must be a non-empty string" },
        { "name", new ClientFields { Name = " \t " }, "must be a non-empty string" },
        { "name", new ClientFields { Name = (string?)null }, "must be a non-empty string" },
        { "name", new ClientFields { Name = new string('n', 201) }, "must be at most 200 characters" },
        { "description", new ClientFields { Description = new string('d', 2001) }, "must be at most 2000 characters" },
        { "contact_email", new ClientFields { ContactEmail = "nope" }, "must be an e-mail address (name@example.com)" },
        { "contact_email", new ClientFields { ContactEmail = "a@b" }, "must be an e-mail address (name@example.com)" },
        { "contact_email", new ClientFields { ContactEmail = "@example.com" }, "must be an e-mail address (name@example.com)" },
        { "contact_email", new ClientFields { ContactEmail = "a b@example.com" }, "must be an e-mail address (name@example.com)" },
        { "contact_email", new ClientFields { ContactEmail = "a@@example.com" }, "must be an e-mail address (name@example.com)" },
        { "contact_email", new ClientFields { ContactEmail = new string('a', 309) + "@example.com" }, "must be an e-mail address (name@example.com)" },
    };

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_contact_email_means_none(string email)
    {
        var valid = ClientValidator.TryApply(Current with { ContactEmail = "old@example.com" }, new ClientFields { ContactEmail = email }, creating: false, out var result, out _);

        Assert.True(valid);
        Assert.Null(result.ContactEmail);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refuses_a_value_against_the_rules_naming_the_field(string field, ClientFields fields, string reason)
    {
        var valid = ClientValidator.TryApply(Current, fields, creating: false, out _, out var failure);

        Assert.False(valid);
        Assert.Equal(FailureKind.BadRequest, failure!.Kind);
        Assert.Equal($"{field} {reason}", failure.Message);
        Assert.Equal(new Dictionary<string, string> { [field] = reason }, failure.Errors);
    }

    public static TheoryData<ClientFields, ClientRecord> Accepted() => new()
    {
        { new ClientFields { Name = new string('n', 200) }, Current with { Name = new string('n', 200) } },
        { new ClientFields { Name = "\tBeta " }, Current with { Name = "Beta" } },
        { new ClientFields { Description = new string('d', 2000) }, Current with { Description = new string('d', 2000) } },
        { new ClientFields { Description = (string?)null }, Current with { Description = null } },
        { new ClientFields { Description = string.Empty }, Current with { Description = string.Empty } },
        { new ClientFields { ContactEmail = " ops@example.co.uk " }, Current with { ContactEmail = "ops@example.co.uk" } },
        { new ClientFields { ContactEmail = "first.last+tag@sub.example.com" }, Current with { ContactEmail = "first.last+tag@sub.example.com" } },
        { new ClientFields { ContactEmail = new string('a', 308) + "@example.com" }, Current with { ContactEmail = new string('a', 308) + "@example.com" } },
        { new ClientFields { ContactEmail = (string?)null }, Current with { ContactEmail = null } },
        { new ClientFields(), Current },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepts_a_value_within_the_rules_and_keeps_unset_fields(ClientFields fields, ClientRecord expected)
    {
        var valid = ClientValidator.TryApply(Current, fields, creating: false, out var result, out var failure);

        Assert.True(valid);
        Assert.Null(failure);
        Assert.Equal(expected, result);
    }

    [Fact]
    public void Every_problem_is_named_in_one_failure()
    {
        var fields = new ClientFields { Name = string.Empty, Description = new string('d', 2001), ContactEmail = "nope" };

        ClientValidator.TryApply(Current, fields, creating: false, out _, out var failure);

        Assert.Equal(
            "name must be a non-empty string; description must be at most 2000 characters; contact_email must be an e-mail address (name@example.com)",
            failure!.Message);
        Assert.Equal(["name", "description", "contact_email"], failure.Errors!.Keys);
    }
}
