using Monitoring.Grains.StatusPages;

namespace Monitoring.UnitTests.StatusPages;

/// <summary>operations.md's rules for a status page's fields.</summary>
public sealed class StatusPageValidatorTests
{
    [Theory]
    [InlineData("abc", true)]
    [InlineData("acme-status-2026", true)]
    [InlineData("---", true)]
    [InlineData("ab", false)]
    [InlineData("ABC", false)]
    [InlineData("acme_status", false)]
    [InlineData("acme.json", false)]
    [InlineData("acme\n", false)]
    [InlineData("caf\u00e9", false)]
    [InlineData("", false)]
    public void A_slug_is_3_to_60_of_lowercase_letters_digits_and_dashes(string slug, bool valid)
    {
        Assert.Equal(valid, StatusPageValidator.TryApply(new StatusPageRow { ClientId = 1 }, new StatusPageFields { Slug = slug, Title = "t" }, creating: true, out _, out var failure));
        Assert.Equal(valid, failure is null);
        Assert.True(StatusPageValidator.TryApply(new StatusPageRow { ClientId = 1 }, new StatusPageFields { Slug = new string('a', 60), Title = "t" }, true, out _, out _));
        Assert.False(StatusPageValidator.TryApply(new StatusPageRow { ClientId = 1 }, new StatusPageFields { Slug = new string('a', 61), Title = "t" }, true, out _, out _));
    }

    [Fact]
    public void A_create_needs_slug_and_title_a_patch_keeps_what_it_does_not_name()
    {
        Assert.False(StatusPageValidator.TryApply(new StatusPageRow(), new StatusPageFields(), creating: true, out _, out var missing));
        Assert.Equal(["slug", "title"], missing!.Errors!.Keys.Order());

        var current = new StatusPageRow { Id = 3, ClientId = 1, Slug = "acme", Title = "Acme", ServiceIds = [5, 4], Public = true };
        Assert.True(StatusPageValidator.TryApply(current, new StatusPageFields { Description = "About us" }, creating: false, out var next, out _));
        Assert.Equal(current with { Description = "About us" }, next);
    }

    [Fact]
    public void Service_ids_keep_their_order_and_lose_repeats_titles_are_trimmed_and_limits_hold()
    {
        Assert.True(StatusPageValidator.TryApply(new StatusPageRow(), new StatusPageFields { Slug = "abc", Title = "  Acme  ", ServiceIds = new long[] { 9, 3, 9, 1 } }, true, out var page, out _));
        Assert.Equal([9L, 3, 1], page.ServiceIds);
        Assert.Equal("Acme", page.Title);

        Assert.False(StatusPageValidator.TryApply(new StatusPageRow(), new StatusPageFields { Slug = "abc", Title = new string('t', 201) }, true, out _, out _));
        Assert.True(StatusPageValidator.TryApply(new StatusPageRow(), new StatusPageFields { Slug = "abc", Title = new string('t', 200), Description = new string('d', 2000) }, true, out _, out _));
        Assert.False(StatusPageValidator.TryApply(new StatusPageRow(), new StatusPageFields { Slug = "abc", Title = "t", Description = new string('d', 2001) }, true, out _, out _));
        Assert.False(StatusPageValidator.TryApply(new StatusPageRow(), new StatusPageFields { Slug = "abc", Title = "t", ServiceIds = Enumerable.Range(1, 1001).Select(i => (long)i).ToArray() }, true, out _, out _));
        Assert.False(StatusPageValidator.TryApply(new StatusPageRow(), new StatusPageFields { Slug = "abc", Title = "t", Public = new Optional<bool?>(true, null) }, true, out _, out var nullPublic));
        Assert.True(nullPublic!.Errors!.ContainsKey("public"));
    }
}
