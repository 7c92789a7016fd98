using System.Net.Sockets;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MailStack.Sink.Client;
using MailStack.Sink.Hosting;
using MailStack.Sink.Relay;
using MailStack.Sink.Storage;
using Microsoft.Extensions.Options;
using MimeKit;

namespace MailStack.Sink.Api;

/// <summary>
/// <c>POST /api/v1/message/{ID}/release</c> <c>{"To":[…]}</c>: relays a stored message to the
/// configured SMTP server as Mailpit does — sender from From (or Sender), Bcc removed, a new Date
/// and Message-ID, recipients checked against the allow- and blocklists; <c>ok</c> or a 400 saying why.
/// </summary>
internal static class ReleaseApi
{
    public static void MapReleaseApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/message/{id}/release", ReleaseAsync);

    private static async Task<IResult> ReleaseAsync(string id, HttpRequest request, MessageStore store, MessageRelay relay, IOptions<MailSinkOptions> options)
    {
        if (store.Find(id) is not { } stored)
        {
            return ApiResults.NotFound();
        }

        var (body, error) = await ApiResults.ReadOptionalJsonAsync<ReleaseRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var to = body?.To ?? [];
        if (Refused(to, relay.Options) is { } refusal)
        {
            return ApiResults.BadRequest(refusal);
        }

        var message = stored.Parse();
        if (message.From.Mailboxes.FirstOrDefault() is not { } fromMailbox)
        {
            return ApiResults.BadRequest("No From header found");
        }

        var from = message.Sender?.Address ?? fromMailbox.Address;
        Prepare(message, relay.Options, options.Value.Smtp.HostName, ref from);
        try
        {
            await relay.SendAsync(message, from, to, request.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidOperationException or SmtpCommandException or SmtpProtocolException
            or AuthenticationException or SslHandshakeException or ServiceNotConnectedException or IOException or SocketException)
        {
            return ApiResults.BadRequest($"SMTP error: {ex.Message}");
        }

        return ApiResults.Ok();
    }

    private static string? Refused(IReadOnlyList<string> to, ReleaseOptions release)
    {
        var notAllowed = new List<string>();
        var blocked = new List<string>();
        foreach (var address in to)
        {
            if (!MailboxAddress.TryParse(address, out var mailbox) || !mailbox.Address.Contains('@', StringComparison.Ordinal))
            {
                return $"Invalid email address: {address}";
            }

            if (release.AllowedRecipients is { Length: > 0 } allowed && !Regex.IsMatch(mailbox.Address, allowed))
            {
                notAllowed.Add(address);
            }
            else if (release.BlockedRecipients is { Length: > 0 } blockedPattern && Regex.IsMatch(mailbox.Address, blockedPattern))
            {
                blocked.Add(address);
            }
        }

        return notAllowed.Count > 0 ? $"Failed: {Addresses(notAllowed.Count)} do not match the allowlist: {string.Join(", ", notAllowed)}"
            : blocked.Count > 0 ? $"Failed: {Addresses(blocked.Count)} found on blocklist: {string.Join(", ", blocked)}"
            : to.Count == 0 ? "No valid addresses found"
            : null;
    }

    private static string Addresses(int count) => count == 1 ? "1 Address" : $"{count} Addresses";

    /// <summary>What Mailpit changes in a released copy.</summary>
    private static void Prepare(MimeMessage message, ReleaseOptions release, string hostName, ref string from)
    {
        message.Headers.RemoveAll(HeaderId.Bcc);
        if (release.ReturnPath is { Length: > 0 } returnPath)
        {
            message.Headers.RemoveAll(HeaderId.ReturnPath);
            message.Headers.Insert(0, new Header(HeaderId.ReturnPath, $"<{returnPath}>"));
            from = returnPath;
        }

        if (release.OverrideFrom is { Length: > 0 } overrideFrom)
        {
            message.From.Clear();
            message.From.Add(MailboxAddress.Parse(overrideFrom));
            from = MailboxAddress.Parse(overrideFrom).Address;
        }

        message.Date = DateTimeOffset.Now;
        if (!release.PreserveMessageIds)
        {
            message.MessageId = $"{MessageIngestion.NewId()}@{hostName}";
        }
    }
}
