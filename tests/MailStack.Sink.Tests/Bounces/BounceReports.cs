using MailStack.Sink.Hosting;
using MimeKit;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Bounces;

/// <summary>Sending with DSN parameters and reading the reports a sink sends back.</summary>
internal static class BounceReports
{
    /// <summary>
    /// One transaction over a raw connection with exactly these MAIL and RCPT lines (parameters
    /// included); every reply must be a success. Returns the reply to the end of DATA.
    /// </summary>
    public static async Task<string> SendRawAsync(MailSink sink, string mailFrom, IEnumerable<string> rcptTo, string subject)
    {
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO dsn.test");
        foreach (var command in new[] { $"MAIL FROM:{mailFrom}" }.Concat(rcptTo.Select(r => $"RCPT TO:{r}")).Append("DATA"))
        {
            var reply = await wire.CommandAsync(command);
            Assert.True(reply[0] is '2' or '3', $"{command} → {reply}");
        }

        var end = await wire.CommandAsync($"From: app@example.test\r\nTo: someone@example.test\r\nSubject: {subject}\r\nMessage-ID: <{subject}@app.example.test>\r\nX-MailStack-ID: {subject}\r\n\r\nThe body of {subject}.\r\n.");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", end, StringComparison.Ordinal);
        await wire.CommandAsync("QUIT");
        return end;
    }

    /// <summary>Waits for the report a sink delivered to <paramref name="sender"/> (a unique address) and parses it.</summary>
    public static async Task<(MessageDetail Stored, MimeMessage Report)> WaitForReportAsync(MailSinkClient api, string sender, TimeSpan? timeout = null)
    {
        var stored = await api.WaitForMessageAsync(MailSinkClient.To(sender), timeout ?? TimeSpan.FromSeconds(15), Cancellation);
        using var raw = new MemoryStream(await api.GetRawAsync(stored.ID, Cancellation));
        return (stored, await MimeMessage.LoadAsync(raw, Cancellation));
    }

    /// <summary>Checks the RFC 3464 shape and returns the per-message fields and each recipient's fields.</summary>
    public static (HeaderList PerMessage, IReadOnlyList<HeaderList> PerRecipient, MimeEntity Returned) Dissect(MimeMessage report)
    {
        var multipart = Assert.IsType<MultipartReport>(report.Body);
        Assert.Equal("delivery-status", multipart.ReportType);
        Assert.Equal(3, multipart.Count);
        Assert.Equal("text/plain", multipart[0].ContentType.MimeType);
        var status = Assert.IsType<MessageDeliveryStatus>(multipart[1]);
        Assert.True(status.StatusGroups.Count >= 2, "a per-message group and at least one recipient group");
        return (status.StatusGroups[0], [.. status.StatusGroups.Skip(1)], multipart[2]);
    }

    /// <summary>A group's fields as name → value, in order, for exact comparison.</summary>
    public static IReadOnlyList<(string, string)> Fields(HeaderList group) => [.. group.Select(h => (h.Field, h.Value.Trim()))];
}
