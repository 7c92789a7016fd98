using System.Text;
using MailStack.Proxy.Bounces.Parsing;
using MailStack.Testing.Bounces;
using MimeKit;
using static MailStack.Proxy.UnitTests.Bounces.BounceReports;
using DsnAction = MailStack.Sink.Bounces.DsnAction;

namespace MailStack.Proxy.UnitTests.Bounces;

/// <summary>Bad input: broken MIME, huge reports, hostile structure. The parser answers, never throws, and attributes nothing it cannot read.</summary>
public sealed class BounceParserRobustnessTests
{
    [Fact]
    public void A_report_cut_off_inside_its_status_part_is_read_as_far_as_it_goes()
    {
        var result = ReadRaw("""
            From: MAILER-DAEMON@mx.example.test
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

            --b1
            Content-Type: text/plain

            Your message could not be delivered.
            --b1
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.test
            Original-Envelope-Id: ms1.tenant1.msg-1

            Final-Recipient: rfc822; x@example.test
            Action: failed
            Status: 5.1.1
            """);

        Assert.True(result.IsBounce);
        Assert.Equal([new RecipientBounce("x@example.test", BounceType.Hard, "511", "failed 5.1.1")], result.Recipients);
        Assert.Equal(new BounceCorrelation(Key, null, null), result.Correlation);
    }

    [Fact]
    public void An_unreadable_status_part_leaves_the_text_to_read()
    {
        var result = ReadRaw("""
            From: MAILER-DAEMON@mx.example.test
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

            --b1
            Content-Type: text/plain

            <x@example.test>: 550 5.1.1 user unknown
            --b1
            Content-Type: message/delivery-status
            Content-Transfer-Encoding: base64

            ////AAAA!!!!::::
            --b1--
            """);

        Assert.Equal([new RecipientBounce("x@example.test", BounceType.Hard, "550", "550 5.1.1 user unknown")], result.Recipients);
    }

    [Fact]
    public void Broken_encodings_and_an_unknown_charset_are_decoded_leniently()
    {
        var text = Convert.ToBase64String(Encoding.UTF8.GetBytes("<x@example.test>: 452 4.2.2 mailbox full\r\n"));
        var result = ReadRaw($"""
            From: MAILER-DAEMON@mx.example.test
            Subject: failure notice
            MIME-Version: 1.0
            Content-Type: text/plain; charset="x-no-such-charset"
            Content-Transfer-Encoding: base64

            {text[..8]}!!*
            {text[8..]}%
            """);

        Assert.Equal([new RecipientBounce("x@example.test", BounceType.Soft, "452", "452 4.2.2 mailbox full")], result.Recipients);
    }

    [Fact]
    public void A_message_without_a_body_is_no_bounce()
    {
        var result = Parser().Parse(new MimeMessage());

        Assert.False(result.IsBounce);
        Assert.Empty(result.Recipients);
        Assert.True(result.Correlation.IsEmpty);
    }

    [Fact]
    public void Deeply_nested_multiparts_are_not_followed_down()
    {
        MimeEntity body = new TextPart("plain") { Text = "<deep@example.test>: 550 5.1.1 user unknown" };
        for (var i = 0; i < 200; i++)
        {
            body = new Multipart("mixed") { body };
        }

        var report = new MimeMessage { Subject = "Undelivered Mail Returned to Sender", Body = body };

        var result = Parser().Parse(report);

        // A bounce by its subject, with nothing read from below the depth limit.
        Assert.True(result.IsBounce);
        Assert.Equal([new RecipientBounce("", BounceType.Hard, "", "")], result.Recipients);
    }

    [Fact]
    public void A_10_MB_report_is_read()
    {
        var original = new MimeMessage { Subject = "Large" };
        original.From.Add(MailboxAddress.Parse("bounces@mailstack.test"));
        original.To.Add(MailboxAddress.Parse("x@example.test"));
        original.Body = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat("A line of a very large message, 5.1.1 and 550 included.\n", 10 * 1024 * 1024 / 56)) };
        var report = BounceReportBuilder.Hard("x@example.test").WithOriginal(original).WithTrackingId("big-1").Build();

        var result = Read(report);

        Assert.Equal([new RecipientBounce("x@example.test", BounceType.Hard, "511", "550 5.1.1 <x@example.test>: user unknown")], result.Recipients);
        Assert.Equal("big-1", result.Correlation.TrackingId);
    }

    [Fact]
    public void A_10_MB_qmail_bounce_is_read_from_its_start()
    {
        var original = new MimeMessage { Subject = "Large" };
        original.From.Add(MailboxAddress.Parse("bounces@mailstack.test"));
        original.To.Add(MailboxAddress.Parse("x@example.test"));
        original.Body = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat("<y@example.test>: 421 pasted text, not a reply of this bounce\n", 10 * 1024 * 1024 / 60)) };
        var report = BounceReportBuilder.NonStandard("x@example.test", NonStandardBounceStyle.FailureNotice).WithOriginal(original).WithTrackingId("big-2").Build();

        var result = Read(report);

        Assert.Equal([new RecipientBounce("x@example.test", BounceType.Hard, "550", "550 5.1.1 <x@example.test>: user unknown")], result.Recipients);
        Assert.Equal("big-2", result.Correlation.TrackingId);
    }

    [Fact]
    public void A_report_listing_thousands_of_recipients_yields_the_first_thousand()
    {
        var builder = BounceReportBuilder.Hard("r0@example.test");
        for (var i = 1; i < 1500; i++)
        {
            builder.AndRecipient($"r{i}@example.test", DsnAction.Failed);
        }

        var result = Read(builder.Build());

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"r{i}@example.test"), result.Recipients.Select(r => r.Recipient));
    }

    [Fact]
    public void A_recipient_reported_twice_bounces_once()
    {
        var result = Read(BounceReportBuilder.Hard("x@example.test").AndRecipient("X@example.test", DsnAction.Failed, "4.2.2").Build());

        Assert.Equal(BounceType.Hard, Assert.Single(result.Recipients).Type);
    }

    [Fact]
    public void A_global_delivery_status_report_is_read()
    {
        var result = ReadRaw("""
            From: MAILER-DAEMON@mx.example.test
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=global-delivery-status; boundary="b1"

            --b1
            Content-Type: text/plain

            Your message could not be delivered.
            --b1
            Content-Type: message/global-delivery-status

            Reporting-MTA: dns; mx.example.test

            Final-Recipient: utf-8; jürgen@example.test
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 unknown
            --b1
            Content-Type: message/global-headers

            X-MailStack-ID: utf8-1

            --b1--
            """);

        Assert.Equal([new RecipientBounce("jürgen@example.test", BounceType.Hard, "511", "550 5.1.1 unknown")], result.Recipients);
        Assert.Equal("utf8-1", result.Correlation.TrackingId);
    }
}
