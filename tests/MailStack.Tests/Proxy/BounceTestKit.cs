using MailStack.Testing.Bounces;
using MimeKit;

namespace MailStack.Tests.Proxy;

/// <summary>
/// What the bounce tests share: the stack's bounce mailbox over IMAP (each test its own connection),
/// waiting for a report to land in a folder, and waiting for a message's bounce at the tenant's echo server.
/// </summary>
public static class BounceTestKit
{
    public const string Processed = "Processed";
    public const string Unrecognized = "Unrecognized";

    /// <summary>Points the proxy behind <paramref name="admin"/> at an IMAP mailbox (PUT /instance, plain IMAP, 1 s polls) and restarts its receiver.</summary>
    public static async Task ReadBouncesFromAsync(this HttpClient admin, string host, int port, string user, string password, string folder = "INBOX")
    {
        await admin.UpdateInstanceAsync(new
        {
            bounce_enabled = true,
            bounce_imap_host = host,
            bounce_imap_port = port,
            bounce_imap_user = user,
            bounce_imap_password = password,
            bounce_imap_folder = folder,
            bounce_imap_ssl = false,
            bounce_poll_interval = 1,
        });
        await admin.ReloadBounceAsync();
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A connection to the stack's Dovecot, as the proxy's receiver and the sinks use it.</summary>
    public static async Task<ImapInjector> StackMailboxAsync(StackFixture stack)
    {
        var parts = await stack.App.GetPartsAsync("dovecot", Cancellation);
        return await ImapInjector.ConnectAsync(parts["Host"], int.Parse(parts["Port"], System.Globalization.CultureInfo.InvariantCulture), parts["Username"], parts["Password"], cancellationToken: Cancellation);
    }

    public static Task<ImapInjector> MailboxAsync(DovecotServer dovecot) =>
        ImapInjector.ConnectAsync(dovecot.Host, dovecot.Port, dovecot.User, dovecot.Password, cancellationToken: Cancellation);

    /// <summary>Waits until <paramref name="count"/> reports containing <paramref name="text"/> (a unique address or id) are in <paramref name="folder"/>.</summary>
    public static async Task<IReadOnlyList<MimeMessage>> WaitInFolderAsync(ImapInjector imap, string text, string folder, int count = 1, TimeSpan? timeout = null)
    {
        IReadOnlyList<MimeMessage> found = [];
        return await Eventually.GetAsync(async c => (found = await imap.FindAsync(text, folder, c)).Count >= count ? found : null,
            $"{count} report(s) with '{text}' in {folder}", timeout, () => $"{found.Count} there");
    }

    /// <summary>The delivery report item the tenant's echo server got for message <paramref name="id"/>'s bounce.</summary>
    public static async Task<DeliveryReportItem> WaitForBounceReportAsync(TenantEcho echo, string id, TimeSpan? timeout = null) =>
        await Eventually.GetAsync(async c => (await BounceReportsAsync(echo, id, c)).FirstOrDefault(), $"a bounce report for {id}", timeout);

    /// <summary>Every bounce item the echo server got for <paramref name="id"/>.</summary>
    public static async Task<List<DeliveryReportItem>> BounceReportsAsync(TenantEcho echo, string id, CancellationToken cancellationToken) =>
        [.. (await echo.ReportsAsync("/mail-proxy/sync", cancellationToken)).SelectMany(report => report).Where(item => item.Id == id && item.BounceTs is not null)];

    /// <summary>A report as a broken mailer might write it: a multipart without its boundary, undecodable bytes, a status that is no status.</summary>
    public static MimeMessage Malformed(string marker)
    {
        var raw = "From: MAILER-DAEMON@mx.example.test\r\nTo: bounces@mailstack.test\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            + $"X-Marker: {marker}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"missing\"\r\n\r\n"
            + "--not-the-boundary\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@not base64@@@\r\n"
            + "Final-Recipient: rfc822;\r\nAction: failed\r\nStatus: 9.9.9.9.9\r\n--not-the-boundary\r\n";
        var bytes = System.Text.Encoding.Latin1.GetBytes(raw).Concat(new byte[] { 0xFF, 0xFE, 0x80, (byte)'\r', (byte)'\n' }).ToArray();
        return MimeMessage.Load(new MemoryStream(bytes));
    }
}
