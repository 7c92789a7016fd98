using MailStack.Sink.Client;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Api;

/// <summary>
/// Mailpit's tags: <c>GET /api/v1/tags</c> (every tag in use), <c>PUT /api/v1/tags</c>
/// <c>{"IDs":[…],"Tags":[…]}</c> (those messages get exactly those tags), <c>PUT /api/v1/tags/{tag}</c>
/// <c>{"Name":…}</c> (rename) and <c>DELETE /api/v1/tags/{tag}</c>; changes answer <c>text/plain</c> <c>ok</c>.
/// </summary>
internal static class TagsApi
{
    public static void MapTagsApi(this IEndpointRouteBuilder app)
    {
        var tags = app.MapGroup("/api/v1/tags");
        tags.MapGet("", (TagCatalog catalog) => Results.Ok(catalog.All()));
        tags.MapPut("", async (TagCatalog catalog, HttpRequest request) =>
        {
            var (body, error) = await ApiResults.ReadOptionalJsonAsync<SetTagsRequest>(request);
            if (error is not null)
            {
                return error;
            }

            if (body is null)
            {
                return ApiResults.BadRequest("a JSON body {\"IDs\":[...],\"Tags\":[...]} is required");
            }

            catalog.Set(body.IDs ?? [], body.Tags ?? []);
            return ApiResults.Ok();
        });
        tags.MapPut("/{tag}", async (TagCatalog catalog, string tag, HttpRequest request) =>
        {
            var (body, error) = await ApiResults.ReadOptionalJsonAsync<RenameTagRequest>(request);
            if (error is not null)
            {
                return error;
            }

            return Run(() => catalog.Rename(tag, body?.Name ?? ""));
        });
        tags.MapDelete("/{tag}", (TagCatalog catalog, string tag) => Run(() => catalog.Delete(tag)));
    }

    private static IResult Run(Action change)
    {
        try
        {
            change();
            return ApiResults.Ok();
        }
        catch (TagException ex)
        {
            return ApiResults.BadRequest(ex.Message);
        }
    }
}
