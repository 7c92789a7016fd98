using MailStack.Sink.Bounces;
using MailStack.Testing.Bounces;
using MimeKit;
using static MailStack.Sink.Tests.Bounces.BounceReports;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Bounces;

/// <summary>The bounce test kit: the report builder's output and the IMAP injector, against a real Dovecot.</summary>
public sealed class BounceTestKitTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    [Fact]
    public async Task Built_reports_are_rfc3464_and_carry_the_correlation_ids_into_the_mailbox()
    {
        var id = Guid.NewGuid().ToString("N");
        var reports = new[]
        {
            BounceReportBuilder.Hard($"hard-{id}@example.test").WithTrackingId($"t-hard-{id}").WithEnvelopeId($"e-hard-{id}").WithMessageId($"m-hard-{id}@app.test").Build(),
            BounceReportBuilder.Soft($"soft-{id}@example.test").ReturningHeadersOnly().Build(),
            BounceReportBuilder.Delayed($"late-{id}@example.test").AndRecipient($"also-{id}@example.test", DsnAction.Failed, "5.2.2").Build(),
        };
        await using var imap = await dovecot.ConnectAsync();

        Assert.Equal(3, (await imap.AppendAsync(reports, cancellationToken: Cancellation)).Count);

        var hard = Assert.Single(await imap.FindAsync($"hard-{id}@example.test", cancellationToken: Cancellation));
        var (perMessage, perRecipient, returned) = Dissect(hard);
        Assert.Equal($"e-hard-{id}", perMessage["Original-Envelope-Id"]);
        Assert.Equal([("Final-Recipient", $"rfc822; hard-{id}@example.test"), ("Action", "failed"), ("Status", "5.1.1"), ("Diagnostic-Code", $"smtp; 550 5.1.1 <hard-{id}@example.test>: user unknown")], Fields(Assert.Single(perRecipient)));
        var original = Assert.IsType<MessagePart>(returned).Message!;
        Assert.Equal(($"t-hard-{id}", $"m-hard-{id}@app.test"), (original.Headers["X-MailStack-ID"], original.MessageId));
        Assert.IsType<TextRfc822Headers>(Dissect(Assert.Single(await imap.FindAsync($"soft-{id}@example.test", cancellationToken: Cancellation))).Returned);
        var delayed = Dissect(Assert.Single(await imap.FindAsync($"late-{id}@example.test", cancellationToken: Cancellation))).PerRecipient;
        Assert.Equal([("delayed", "4.4.1"), ("failed", "5.2.2")], delayed.Select(g => (g["Action"], g["Status"])));
    }

    [Theory]
    [InlineData(NonStandardBounceStyle.UndeliveredMail, "Undelivered Mail Returned to Sender")]
    [InlineData(NonStandardBounceStyle.FailureNotice, "failure notice")]
    public void Non_standard_bounces_hold_the_reply_and_the_tracking_id_without_a_delivery_status(NonStandardBounceStyle style, string subject)
    {
        var bounce = BounceReportBuilder.NonStandard("gone@example.test", style).WithStatus("5.1.1", "smtp; 550 5.1.1 no such user").WithTrackingId("t-legacy").Build();

        Assert.Equal(subject, bounce.Subject);
        Assert.Equal("MAILER-DAEMON@mx.example.test", bounce.From.Mailboxes.Single().Address);
        Assert.IsNotType<MultipartReport>(bounce.Body);
        Assert.Contains("<gone@example.test>: 550 5.1.1 no such user", bounce.TextBody, StringComparison.Ordinal);
        using var raw = new MemoryStream();
        bounce.WriteTo(raw, Cancellation);
        Assert.Contains("X-MailStack-ID: t-legacy", System.Text.Encoding.UTF8.GetString(raw.ToArray()), StringComparison.Ordinal);
    }
}
