using System.Net.Http.Headers;
using System.Text;
using MailStack.Sink.Client;
using MailStack.Sink.Hosting;
using MailStack.Sink.Storage;
using Microsoft.Extensions.Options;

namespace MailStack.Sink.Api;

/// <summary>
/// <c>POST /api/v1/send</c>: Mailpit's send API. The message is built, then stored through the same
/// ingestion as SMTP (Return-Path, Message-ID, hidden recipients as Bcc, tags), so search, events and
/// waits see it like any received mail. Answers <c>{"ID":…}</c>, or a 400 <c>{"Error":…}</c>.
/// </summary>
internal static class SendApi
{
    public static void MapSendApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/send", SendAsync);

    private static async Task<IResult> SendAsync(HttpRequest request, MessageStore store, IOptions<MailSinkOptions> options)
    {
        var smtp = options.Value.Smtp;

        // Base64 attachments are a third larger than the message they make.
        var limit = smtp.MaxMessageSize / 3 * 4 + 64 * 1024;
        if (request.ContentLength > limit)
        {
            return ApiResults.JsonError("http: request body too large", StatusCodes.Status413RequestEntityTooLarge);
        }

        var (body, error) = await ApiResults.ReadOptionalJsonAsync<SendRequest>(request, message => ApiResults.JsonError(message));
        if (error is not null)
        {
            return error;
        }

        var (message, envelope, invalid) = SentMessageBuilder.Build(body ?? new SendRequest());
        if (invalid is not null)
        {
            return ApiResults.JsonError(invalid);
        }

        using var data = new MemoryStream();
        await message!.WriteToAsync(data, request.HttpContext.RequestAborted);
        var (raw, summary) = MessageIngestion.Prepare(envelope!, data.GetBuffer(), (int)data.Length, smtp.HostName);
        var stored = store.Add(envelope!, raw, summary, BasicAuthUser(request));
        return Results.Ok(new SendResponse(stored.Id));
    }

    /// <summary>Mailpit records the HTTP basic-auth user of a send as the message's Username.</summary>
    private static string? BasicAuthUser(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        try
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : credentials[..colon];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
