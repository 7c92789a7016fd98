using MailStack.Proxy.Bounces.Parsing;
using MailStack.Testing.Bounces;
using MimeKit;
using static MailStack.Proxy.UnitTests.Bounces.BounceReports;
using DsnAction = MailStack.Sink.Bounces.DsnAction;

namespace MailStack.Proxy.UnitTests.Bounces;

/// <summary>RFC 3464 reports: classification by RFC 3463, one bounce per failed recipient, codes and reasons as genro reports them.</summary>
public sealed class DeliveryStatusReportTests
{
    // catalog: B10
    // catalog: B11
    [Fact]
    public void A_hard_bounce_names_the_recipient_code_reason_and_its_message_three_ways()
    {
        var report = BounceReportBuilder.Hard("nobody@example.test")
            .WithEnvelopeId(BounceEnvelopeId.Format(Key)!)
            .WithTrackingId(Key.MessageId)
            .WithMessageId(BounceMessageId.Format(Key, "mailstack-proxy")!)
            .Build();

        var result = Read(report);

        Assert.True(result.IsBounce);
        Assert.Equal([new RecipientBounce("nobody@example.test", BounceType.Hard, "511", "550 5.1.1 <nobody@example.test>: user unknown")], result.Recipients);
        Assert.Equal(new BounceCorrelation(Key, "msg-1", Key), result.Correlation);
    }

    // catalog: B09
    [Fact]
    public void A_4xx_status_is_a_soft_bounce()
    {
        var result = Read(BounceReportBuilder.Soft("full@example.test").WithTrackingId("msg-2").Build());

        Assert.True(result.IsBounce);
        Assert.Equal([new RecipientBounce("full@example.test", BounceType.Soft, "422", "452 4.2.2 <full@example.test>: mailbox full")], result.Recipients);
        Assert.Equal("msg-2", result.Correlation.TrackingId);
    }

    // catalog: B11
    [Theory]
    [InlineData("5.1.1", BounceType.Hard, "511")]
    [InlineData("5.7.1", BounceType.Hard, "571")]
    [InlineData("5.0.0", BounceType.Hard, "500")]
    [InlineData("5.1.10", BounceType.Hard, "5110")]
    [InlineData("4.4.1", BounceType.Soft, "441")]
    [InlineData("4.2.2", BounceType.Soft, "422")]
    [InlineData("5.2.2", BounceType.Soft, "522")]
    [InlineData("5.2.2 (mailbox full)", BounceType.Soft, "522")]
    public void A_failed_recipient_is_classed_by_its_status(string status, BounceType type, string code)
    {
        var result = Read(BounceReportBuilder.Hard("x@example.test").WithStatus(status, "smtp; rejected").Build());

        Assert.Equal([new RecipientBounce("x@example.test", type, code, "rejected")], result.Recipients);
    }

    [Fact]
    public void A_mailbox_full_sent_as_5_2_2_is_soft()
    {
        var result = Read(BounceReportBuilder.Hard("full@example.test").WithStatus("5.2.2").Build());

        Assert.Equal([new RecipientBounce("full@example.test", BounceType.Soft, "522", "552 5.2.2 <full@example.test>: mailbox full")], result.Recipients);
    }

    [Theory]
    [InlineData("4.4.1")]
    [InlineData("5.0.0")]
    public void Action_delayed_is_a_soft_bounce_whatever_the_status(string status)
    {
        var result = Read(BounceReportBuilder.Delayed("slow@example.test").WithStatus(status, "smtp; 451 connection timed out").Build());

        Assert.True(result.IsBounce);
        Assert.Equal([new RecipientBounce("slow@example.test", BounceType.Soft, status.Replace(".", "", StringComparison.Ordinal), "451 connection timed out")], result.Recipients);
    }

    [Fact]
    public void A_report_only_of_delivered_relayed_and_expanded_recipients_is_no_bounce()
    {
        // genro v0.6.9 counts such a report as a hard bounce, and relayed/expanded as soft ones
        // (whatever status they carry, as here).
        var report = BounceReportBuilder.Delivered("a@example.test")
            .AndRecipient("b@example.test", DsnAction.Relayed, "4.4.7")
            .AndRecipient("c@example.test", DsnAction.Expanded, "5.1.1")
            .WithTrackingId("msg-3")
            .Build();

        var result = Read(report);

        Assert.False(result.IsBounce);
        Assert.Empty(result.Recipients);
        Assert.Equal("msg-3", result.Correlation.TrackingId);
    }

    [Fact]
    public void Each_failed_recipient_gets_its_own_bounce_and_delivered_ones_none()
    {
        var report = BounceReportBuilder.Hard("a@example.test")
            .AndRecipient("b@example.test", DsnAction.Failed, "4.2.2")
            .AndRecipient("c@example.test", DsnAction.Delivered)
            .AndRecipient("d@example.test", DsnAction.Delayed)
            .AndRecipient("e@example.test", DsnAction.Failed, "5.2.2")
            .Build();

        var result = Read(report);

        Assert.True(result.IsBounce);
        Assert.Equal(
            [("a@example.test", BounceType.Hard, "511"), ("b@example.test", BounceType.Soft, "422"), ("d@example.test", BounceType.Soft, "441"), ("e@example.test", BounceType.Soft, "522")],
            result.Recipients.Select(r => (r.Recipient, r.Type, r.Code)));
    }

    [Theory]
    [InlineData("smtp; 550 5.1.1 user unknown", BounceType.Hard, "550")]
    [InlineData("smtp; 550-5.1.1 user unknown", BounceType.Hard, "550")]
    [InlineData("smtp; 452 4.2.2 mailbox full", BounceType.Soft, "452")]
    [InlineData("smtp; 552 5.2.2 mailbox full", BounceType.Soft, "552")]
    [InlineData("X-Postfix; 554 rejected", BounceType.Hard, "554")]
    [InlineData("smtp; 4.7.1 greylisted", BounceType.Soft, "471")]
    [InlineData("smtp; no code here", BounceType.Hard, "")]
    public void Without_a_status_the_code_comes_from_the_diagnostic_code(string diagnostic, BounceType type, string code)
    {
        var result = Read(Report([("Final-Recipient", "rfc822; x@example.test"), ("Action", "failed"), ("Diagnostic-Code", diagnostic)]));

        Assert.True(result.IsBounce);
        var reason = diagnostic[(diagnostic.IndexOf(';', StringComparison.Ordinal) + 1)..].Trim();
        Assert.Equal([new RecipientBounce("x@example.test", type, code, reason)], result.Recipients);
    }

    [Fact]
    public void Without_an_action_a_recipient_fails_only_when_a_code_says_so()
    {
        var result = Read(Report(
            [("Final-Recipient", "rfc822; failed@example.test"), ("Status", "5.1.1")],
            [("Final-Recipient", "rfc822; unclear@example.test"), ("Status", "2.0.0")],
            [("Original-Recipient", "rfc822; original@example.test"), ("Diagnostic-Code", "smtp; 421 try later")]));

        Assert.Equal(
            [new RecipientBounce("failed@example.test", BounceType.Hard, "511", "5.1.1"), new RecipientBounce("original@example.test", BounceType.Soft, "421", "421 try later")],
            result.Recipients);
    }

    [Fact]
    public void The_reason_is_the_diagnostic_text_cut_at_500_characters()
    {
        var diagnostic = "550 5.1.1 " + string.Concat(Enumerable.Repeat("user   unknown\r\n\tfolded ", 60));

        var reason = Assert.Single(Read(BounceReportBuilder.Hard("x@example.test").WithStatus("5.1.1", "smtp; " + diagnostic).Build()).Recipients).Reason;

        Assert.Equal(RecipientBounce.MaxReasonLength, reason.Length);
        Assert.StartsWith("550 5.1.1 user unknown folded user unknown folded", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_only_returned_part_still_carries_the_tracking_id_and_message_id()
    {
        var report = BounceReportBuilder.Hard("x@example.test").ReturningHeadersOnly()
            .WithTrackingId("msg-4")
            .WithMessageId(BounceMessageId.Format(Key, "mailstack-proxy")!)
            .Build();
        Assert.IsType<TextRfc822Headers>(Assert.IsType<MultipartReport>(report.Body).Last());

        var result = Read(report);

        Assert.Equal(new BounceCorrelation(null, "msg-4", Key), result.Correlation);
        Assert.Equal(BounceType.Hard, Assert.Single(result.Recipients).Type);
    }

    [Fact]
    public void The_tracking_header_is_the_configured_one()
    {
        var report = BounceReportBuilder.Hard("x@example.test").WithTrackingId("genro-1", "X-Genro-Mail-ID").Build();

        Assert.Equal("genro-1", Read(report, "X-Genro-Mail-ID").Correlation.TrackingId);
        Assert.Null(Read(report).Correlation.TrackingId);
    }

    [Fact]
    public void A_client_message_id_and_another_senders_envelope_id_name_no_message()
    {
        var report = BounceReportBuilder.Hard("x@example.test").WithMessageId("given@app.example.test").WithEnvelopeId("QQ12345.ABC").WithTrackingId("msg-5").Build();

        Assert.Equal(new BounceCorrelation(null, "msg-5", null), Read(report).Correlation);
    }

    [Fact]
    public void A_report_naming_another_tenant_names_that_tenant()
    {
        var other = new BouncedMessageKey("tenant2", Key.MessageId);
        var report = BounceReportBuilder.Hard("x@example.test").WithEnvelopeId(BounceEnvelopeId.Format(other)!).WithMessageId(BounceMessageId.Format(other, "h")!).Build();

        Assert.Equal(new BounceCorrelation(other, null, other), Read(report).Correlation);
    }

    [Fact]
    public void A_bounce_without_any_id_is_a_bounce_that_names_no_message()
    {
        var result = Read(BounceReportBuilder.Hard("x@example.test").Build());

        Assert.True(result.IsBounce);
        Assert.True(result.Correlation.IsEmpty);
    }

    [Fact]
    public void A_report_in_genros_test_shape_is_read()
    {
        // genro's fullstack helper: text/delivery-status and a message/rfc822-headers part holding its tracking header.
        var result = ReadRaw("""
            From: MAILER-DAEMON@mail.example.com
            To: bounces@localhost
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type="delivery-status"; boundary="b1"

            --b1
            Content-Type: text/plain; charset="us-ascii"

            <failed@example.com>: delivery failed
                550 User unknown
            --b1
            Content-Type: text/delivery-status; charset="us-ascii"

            Reporting-MTA: dns; mail.example.com

            Final-Recipient: rfc822; failed@example.com
            Action: failed
            Status: 5.5.0
            Diagnostic-Code: smtp; 550 User unknown

            --b1
            Content-Type: message/rfc822-headers

            X-MailStack-ID: genro-shape-1
            From: sender@test.com
            Message-ID: <original-genro-shape-1@test.com>

            --b1--
            """);

        Assert.Equal([new RecipientBounce("failed@example.com", BounceType.Hard, "550", "550 User unknown")], result.Recipients);
        Assert.Equal("genro-shape-1", result.Correlation.TrackingId);
    }

    /// <summary>A report whose recipient groups hold exactly the given fields (the builder always writes Action and Status).</summary>
    private static MimeMessage Report(params (string Name, string Value)[][] recipientGroups)
    {
        var status = new MessageDeliveryStatus();
        status.StatusGroups.Add(new HeaderList { { "Reporting-MTA", "dns; mx.example.test" } });
        foreach (var group in recipientGroups)
        {
            var fields = new HeaderList();
            foreach (var (name, value) in group)
            {
                fields.Add(name, value);
            }

            status.StatusGroups.Add(fields);
        }

        var report = new MimeMessage { Subject = "Undelivered Mail Returned to Sender" };
        report.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@mx.example.test"));
        report.To.Add(MailboxAddress.Parse("bounces@mailstack.test"));
        report.Body = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "Your message could not be delivered." }, status };
        return report;
    }
}
