using System.Text;
using MailStack.Proxy.Apis;
using MailStack.Proxy.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MailStack.Proxy.UnitTests.Apis;

public sealed class JsonBodyTests
{
    private static async Task<JsonBody<T>> BindAsync<T>(string body, long? limit = null)
        where T : class
    {
        var context = new DefaultHttpContext();
        Stream stream = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.Body = limit is { } max ? new LimitedReadStream(stream, max, "too large") : stream;
        return await JsonBody<T>.BindAsync(context);
    }

    private static ValidationError Problem(IResult? result) =>
        Assert.Single(Assert.IsType<UnprocessableEntity<ValidationErrors>>(result).Value!.Detail);

    [Fact]
    public async Task A_valid_body_is_read_into_the_model()
    {
        var bound = await BindAsync<AccountPayload>("""{"id":"a","tenant_id":"t","host":"h","port":25}""");
        Assert.Null(bound.Error);
        Assert.Equal(25, bound.Value.Port);
    }

    [Theory]
    [InlineData("""{"id": """, new[] { "body" }, "value_error.jsondecode")]
    [InlineData("[1,2]", new[] { "body" }, "value_error.jsondecode")]
    [InlineData("null", new[] { "body" }, "type_error.dict")]
    [InlineData("""{"port":"25"}""", new[] { "body", "port" }, "type_error")]
    [InlineData("""{"limit_behavior":"drop"}""", new[] { "body", "limit_behavior" }, "type_error")]
    public async Task Bad_input_is_a_422_naming_where(string body, string[] loc, string type)
    {
        var problem = Problem((await BindAsync<AccountPayload>(body)).Error);
        Assert.Equal(loc, problem.Loc);
        Assert.Equal(type, problem.Type);
    }

    [Fact]
    public async Task Nesting_deeper_than_32_is_refused()
    {
        var deep = "{\"ids\":" + new string('[', 40) + new string(']', 40) + "}";
        Assert.NotNull((await BindAsync<DeleteMessagesRequest>(deep)).Error);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var bound = await BindAsync<DeleteMessagesRequest>("""{"ids":["a","b","c","d"]}""", limit: 10);
        var result = Assert.IsType<JsonHttpResult<ApiError>>(bound.Error);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, result.StatusCode);
        Assert.Equal("too large", result.Value!.Detail);
    }
}
