using Monitoring.Gateway.Queries;
using Monitoring.Grains.Interfaces.Queries;

namespace Monitoring.UnitTests.Queries;

public sealed class FeathersQueryParserValueTests
{
    [Theory]
    [InlineData("id=42", "id Equal [42]")]
    [InlineData("id=-7", "id Equal [-7]")]
    [InlineData("id=9223372036854775807", "id Equal [9223372036854775807]")]
    [InlineData("id=-9223372036854775808", "id Equal [-9223372036854775808]")]
    [InlineData("status_code=503", "status_code Equal [503]")]
    [InlineData("status=down", "status Equal ['down']")]
    [InlineData("trigger=manual", "trigger Equal ['manual']")]
    [InlineData("error=HTTP%20503", "error Equal ['HTTP 503']")]
    [InlineData("reported_status=Unhealthy", "reported_status Equal ['Unhealthy']")]
    [InlineData("checked_at=2026-11-27T10:00:00.000Z", "checked_at Equal [2026-11-27T10:00:00.000+00:00]")]
    [InlineData("checked_at=2026-11-27T10:00:00Z", "checked_at Equal [2026-11-27T10:00:00.000+00:00]")]
    [InlineData("checked_at=2026-11-27T12:30:00.250%2B02:00", "checked_at Equal [2026-11-27T10:30:00.250+00:00]")]
    [InlineData("checked_at=2026-11-27T05:00:00-05:00", "checked_at Equal [2026-11-27T10:00:00.000+00:00]")]
    [InlineData("checked_at=2026-11-27T10:00:00", "checked_at Equal [2026-11-27T10:00:00.000+00:00]")]
    [InlineData("checked_at=2026-11-27", "checked_at Equal [2026-11-27T00:00:00.000+00:00]")]
    public void Converts_values_to_the_type_of_their_field(string query, string expectedFilter)
    {
        var parsed = Query.Parse(query, Resource.ServiceStatus);

        Assert.Equal(expectedFilter, Query.Render(parsed.Filter));
    }

    [Fact]
    public void Times_with_an_offset_are_converted_to_utc()
    {
        var parsed = Query.Parse("checked_at[$gte]=2026-11-27T12:30:00%2B02:00", Resource.ServiceStatus);

        var value = Assert.IsType<DateTimeOffset>(((Comparison)parsed.Filter!).Values.Single());
        Assert.Equal(TimeSpan.Zero, value.Offset);
        Assert.Equal(Times.At("2026-11-27T10:30:00Z"), value);
    }

    [Theory]
    [InlineData("enabled=true", "enabled Equal [true]")]
    [InlineData("enabled=1", "enabled Equal [true]")]
    [InlineData("enabled=false", "enabled Equal [false]")]
    [InlineData("enabled=0", "enabled Equal [false]")]
    [InlineData("has_basic_auth_password=true", "has_basic_auth_password Equal [true]")]
    [InlineData("method=GET", "method Equal ['GET']")]
    [InlineData("method=HEAD", "method Equal ['HEAD']")]
    [InlineData("last_status=degraded", "last_status Equal ['degraded']")]
    public void Converts_booleans_and_allowed_values(string query, string expectedFilter)
    {
        var parsed = Query.Parse(query, Resource.ClientServices);

        Assert.Equal(expectedFilter, Query.Render(parsed.Filter));
    }

    [Theory]
    [InlineData("status_code=", "status_code Equal [null]")]
    [InlineData("status_code=null", "status_code Equal [null]")]
    [InlineData("status_code[$ne]=", "status_code NotEqual [null]")]
    [InlineData("status_code[$ne]=null", "status_code NotEqual [null]")]
    [InlineData("status_code[$in][]=200&status_code[$in][]=", "status_code In [200, null]")]
    [InlineData("status_code[$nin][]=null&status_code[$nin][]=500", "status_code NotIn [null, 500]")]
    [InlineData("status_code[]=&status_code[]=404", "status_code In [null, 404]")]
    [InlineData("error=", "error Equal [null]")]
    [InlineData("error=null", "error Equal ['null']")]
    [InlineData("reported_status=null", "reported_status Equal ['null']")]
    public void An_empty_value_of_a_nullable_field_is_null_and_null_is_null_unless_the_field_is_free_text(string query, string expectedFilter)
    {
        var parsed = Query.Parse(query, Resource.ServiceStatus);

        Assert.Equal(expectedFilter, Query.Render(parsed.Filter));
    }

    [Theory]
    [InlineData("last_status=", "last_status Equal [null]")]
    [InlineData("last_status=null", "last_status Equal [null]")]
    [InlineData("last_checked_at=", "last_checked_at Equal [null]")]
    [InlineData("last_checked_at=null", "last_checked_at Equal [null]")]
    [InlineData("degraded_threshold_ms=null", "degraded_threshold_ms Equal [null]")]
    [InlineData("basic_auth_username=null", "basic_auth_username Equal ['null']")]
    [InlineData("basic_auth_username=", "basic_auth_username Equal [null]")]
    [InlineData("name=", "name Equal ['']")]
    [InlineData("name=null", "name Equal ['null']")]
    public void Null_handling_of_service_fields(string query, string expectedFilter)
    {
        var parsed = Query.Parse(query, Resource.ClientServices);

        Assert.Equal(expectedFilter, Query.Render(parsed.Filter));
    }

    [Theory]
    [InlineData("status_code[$lt]=", "status_code[$lt] needs a value")]
    [InlineData("status_code[$lte]=null", "status_code[$lte] needs a value")]
    [InlineData("status_code[$gt]=", "status_code[$gt] needs a value")]
    [InlineData("checked_at[$gte]=", "Invalid value for checked_at: '' is not an ISO 8601 time")]
    public void A_range_operator_needs_a_value(string query, string expectedMessage)
    {
        var error = Query.Refused(query, Resource.ServiceStatus);

        Assert.Equal(expectedMessage, error.Message);
    }

    [Theory]
    [InlineData("id=abc", "id", "Invalid value for id: 'abc' is not an integer")]
    [InlineData("id=", "id", "Invalid value for id: '' is not an integer")]
    [InlineData("id=null", "id", "Invalid value for id: 'null' is not an integer")]
    [InlineData("id=1.0", "id", "Invalid value for id: '1.0' is not an integer")]
    [InlineData("id=%201", "id", "Invalid value for id: ' 1' is not an integer")]
    [InlineData("id=9223372036854775808", "id", "Invalid value for id: '9223372036854775808' is not an integer")]
    [InlineData("id[$in][]=1&id[$in][]=x", "id", "Invalid value for id: 'x' is not an integer")]
    [InlineData("status=UP", "status", "Invalid value for status: must be one of up, degraded, down")]
    [InlineData("status=", "status", "Invalid value for status: must be one of up, degraded, down")]
    [InlineData("status=null", "status", "Invalid value for status: must be one of up, degraded, down")]
    [InlineData("status[$in][]=up&status[$in][]=sideways", "status", "Invalid value for status: must be one of up, degraded, down")]
    [InlineData("trigger=cron", "trigger", "Invalid value for trigger: must be one of schedule, manual, ping")]
    [InlineData("checked_at=yesterday", "checked_at", "Invalid value for checked_at: 'yesterday' is not an ISO 8601 time")]
    [InlineData("checked_at=0001-01-01T00:00:00%2B01:00", "checked_at", "Invalid value for checked_at: '0001-01-01T00:00:00+01:00' is not an ISO 8601 time")]
    [InlineData("checked_at=9999-12-31T23:59:59-01:00", "checked_at", "Invalid value for checked_at: '9999-12-31T23:59:59-01:00' is not an ISO 8601 time")]
    [InlineData("nope=1", "nope", "Unknown field 'nope' for service-status")]
    [InlineData("Status=up", "Status", "Unknown field 'Status' for service-status")]
    [InlineData("details=x", "details", "Field 'details' cannot be filtered or sorted on")]
    [InlineData("details[$ne]=", "details", "Field 'details' cannot be filtered or sorted on")]
    [InlineData("error=a%00b", "error", "Invalid value for error: NUL characters are not allowed")]
    [InlineData("error[$in][]=ok&error[$in][]=%00", "error", "Invalid value for error: NUL characters are not allowed")]
    [InlineData("id=%00", "id", "Invalid value for id: NUL characters are not allowed")]
    public void Refuses_malformed_values_and_unknown_or_unqueryable_fields(string query, string expectedField, string expectedMessage)
    {
        var error = Query.Refused(query, Resource.ServiceStatus);

        Assert.Equal(expectedMessage, error.Message);
        Assert.Equal(expectedField, error.Field);
    }

    [Theory]
    [InlineData("enabled=yes", "enabled", "Invalid value for enabled: 'yes' is not true or false")]
    [InlineData("enabled=True", "enabled", "Invalid value for enabled: 'True' is not true or false")]
    [InlineData("enabled=", "enabled", "Invalid value for enabled: '' is not true or false")]
    [InlineData("method=get", "method", "Invalid value for method: must be one of GET, HEAD, POST")]
    [InlineData("method=PUT", "method", "Invalid value for method: must be one of GET, HEAD, POST")]
    [InlineData("last_status=fine", "last_status", "Invalid value for last_status: must be one of up, degraded, down")]
    [InlineData("next_check_at[$gt]=2026-01-01T00:00:00Z", "next_check_at", "Field 'next_check_at' cannot be filtered or sorted on")]
    [InlineData("basic_auth_password=x", "basic_auth_password", "Unknown field 'basic_auth_password' for client-services")]
    public void Refuses_malformed_service_values(string query, string expectedField, string expectedMessage)
    {
        var error = Query.Refused(query, Resource.ClientServices);

        Assert.Equal(expectedMessage, error.Message);
        Assert.Equal(expectedField, error.Field);
    }

    [Fact]
    public void A_long_unknown_field_name_or_value_is_shortened_in_the_message()
    {
        var name = new string('n', 100);
        var value = new string('9', 30) + new string('x', 70);

        var fieldError = Query.Refused($"{name}=1", Resource.Clients);
        var valueError = Query.Refused($"id={value}", Resource.Clients);

        Assert.Equal($"Unknown field '{new string('n', 64)}…' for clients", fieldError.Message);
        Assert.Equal($"Invalid value for id: '{value[..64]}…' is not an integer", valueError.Message);
    }

    [Fact]
    public void Convert_answers_null_only_for_nullable_fields()
    {
        var nullable = new ResourceField("n", FieldKind.Integer, Nullable: true);
        var required = new ResourceField("r", FieldKind.Text);

        Assert.Null(FeathersQueryParser.Convert(nullable, string.Empty));
        Assert.Null(FeathersQueryParser.Convert(nullable, "null"));
        Assert.Equal(string.Empty, FeathersQueryParser.Convert(required, string.Empty));
        Assert.Equal("null", FeathersQueryParser.Convert(required, "null"));
    }
}
