using System.Text.Json;
using MailStack.Sink.Client;

namespace MailStack.Sink.Api;

/// <summary>
/// Mailpit's answers, in one place: <c>text/plain</c> <c>ok</c> for a done action, a <c>text/plain</c>
/// 400 naming the problem, <c>404 page not found</c>, and the send API's JSON <c>{"Error":…}</c>.
/// </summary>
internal static class ApiResults
{
    public const string TextPlain = "text/plain";

    public static IResult Ok() => Results.Text("ok", TextPlain);

    public static IResult BadRequest(string message) => Results.Text(message, TextPlain, statusCode: StatusCodes.Status400BadRequest);

    public static IResult NotFound() => Results.Text("404 page not found", TextPlain, statusCode: StatusCodes.Status404NotFound);

    /// <summary>What Mailpit says when <c>latest</c> matches nothing.</summary>
    public static IResult NoLatest(string message = "Message not found") =>
        Results.Text(message, "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

    public static IResult JsonError(string message, int statusCode = StatusCodes.Status400BadRequest) =>
        Results.Json(new ApiError(message), SinkJson.Options, statusCode: statusCode);

    /// <summary>Reads a JSON body if there is one; malformed JSON is a 400 naming the problem.</summary>
    public static async Task<(T? Body, IResult? Error)> ReadOptionalJsonAsync<T>(HttpRequest request, Func<string, IResult>? error = null)
        where T : class
    {
        error ??= BadRequest;
        if (request.ContentLength == 0)
        {
            return (null, null);
        }

        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        try
        {
            return (JsonSerializer.Deserialize<T>(text, SinkJson.Options), null);
        }
        catch (JsonException ex)
        {
            return (null, error($"invalid JSON body: {ex.Message}"));
        }
    }
}
