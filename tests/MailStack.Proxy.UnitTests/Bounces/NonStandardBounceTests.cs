using MailStack.Proxy.Bounces.Parsing;
using MailStack.Testing.Bounces;
using static MailStack.Proxy.UnitTests.Bounces.BounceReports;
using DsnAction = MailStack.Sink.Bounces.DsnAction;

namespace MailStack.Proxy.UnitTests.Bounces;

/// <summary>Bounces without a delivery-status part: recognised by Subject or sender, the first 4xx/5xx reply per recipient, hard by default.</summary>
public sealed class NonStandardBounceTests
{
    [Fact]
    public void A_postfix_style_bounce_is_hard_with_the_basic_reply_code_and_the_returned_tracking_id()
    {
        var report = BounceReportBuilder.NonStandard("nobody@example.test").WithTrackingId("msg-1").Build();

        var result = Read(report);

        Assert.True(result.IsBounce);
        Assert.Equal([new RecipientBounce("nobody@example.test", BounceType.Hard, "550", "550 5.1.1 <nobody@example.test>: user unknown")], result.Recipients);
        Assert.Equal(new BounceCorrelation(null, "msg-1", null), result.Correlation);
    }

    [Fact]
    public void A_qmail_failure_notice_is_read_with_the_tracking_id_and_message_id_of_the_pasted_copy()
    {
        var report = BounceReportBuilder.NonStandard("nobody@example.test", NonStandardBounceStyle.FailureNotice)
            .WithTrackingId("msg-2")
            .WithMessageId(BounceMessageId.Format(Key, "mailstack-proxy")!)
            .Build();

        var result = Read(report);

        Assert.Equal([new RecipientBounce("nobody@example.test", BounceType.Hard, "550", "550 5.1.1 <nobody@example.test>: user unknown")], result.Recipients);
        Assert.Equal(new BounceCorrelation(null, "msg-2", Key), result.Correlation);
    }

    [Theory]
    [InlineData("4.2.2", BounceType.Soft, "452")]
    [InlineData("5.2.2", BounceType.Soft, "552")]
    [InlineData("4.4.1", BounceType.Soft, "451")]
    [InlineData("5.7.1", BounceType.Hard, "550")]
    public void The_reply_in_the_text_classes_the_bounce(string status, BounceType type, string code)
    {
        var result = Read(BounceReportBuilder.NonStandard("x@example.test").WithStatus(status).Build());

        Assert.Equal([("x@example.test", type, code)], result.Recipients.Select(r => (r.Recipient, r.Type, r.Code)));
    }

    [Fact]
    public void Each_recipient_block_is_its_own_bounce()
    {
        var report = BounceReportBuilder.NonStandard("a@example.test", NonStandardBounceStyle.FailureNotice)
            .AndRecipient("b@example.test", DsnAction.Failed, "4.2.2")
            .Build();

        Assert.Equal(
            [new RecipientBounce("a@example.test", BounceType.Hard, "550", "550 5.1.1 <a@example.test>: user unknown"), new RecipientBounce("b@example.test", BounceType.Soft, "452", "452 4.2.2 <b@example.test>: mailbox full")],
            Read(report).Recipients);
    }

    [Fact]
    public void An_exim_style_bounce_is_read()
    {
        var result = ReadRaw("""
            From: Mail Delivery System <Mailer-Daemon@mx.example.test>
            To: bounces@mailstack.test
            Subject: Mail delivery failed: returning message to sender

            This message was created automatically by mail delivery software.

            A message that you sent could not be delivered to one or more of its
            recipients. This is a permanent error. The following address(es) failed:

              nobody@example.test
                host mx.example.test [192.0.2.1]
                SMTP error from remote mail server after RCPT TO:<nobody@example.test>:
                550 5.1.1 User unknown

            ------ This is a copy of the message, including all the headers. ------

            Return-path: <bounces@mailstack.test>
            X-MailStack-ID: exim-1
            Subject: hello

            The body, which says 421 and 5.2.2 and must not count.
            """);

        Assert.True(result.IsBounce);
        Assert.Equal(
            [new RecipientBounce("nobody@example.test", BounceType.Hard, "550", "host mx.example.test [192.0.2.1] SMTP error from remote mail server after RCPT TO:<nobody@example.test>: 550 5.1.1 User unknown")],
            result.Recipients);
        Assert.Equal("exim-1", result.Correlation.TrackingId);
    }

    [Fact]
    public void A_bounce_without_any_code_is_hard_for_the_first_address_it_mentions()
    {
        var result = ReadRaw("""
            From: postmaster@mx.example.test
            To: bounces@mailstack.test
            Subject: failure notice

            Sorry, your message to someone@example.test could not be delivered.
            """);

        Assert.Equal([new RecipientBounce("someone@example.test", BounceType.Hard, "", "Sorry, your message to someone@example.test could not be delivered.")], result.Recipients);
        Assert.True(result.Correlation.IsEmpty);
    }

    [Theory]
    [InlineData("Undelivered Mail Returned to Sender")]
    [InlineData("failure notice")]
    [InlineData("Delivery Status Notification (Failure)")]
    [InlineData("Undeliverable: Hello")]
    [InlineData("Returned mail: see transcript for details")]
    [InlineData("Mail delivery failed: returning message to sender")]
    public void A_bounce_subject_makes_a_bounce_whoever_sends_it(string subject)
    {
        var result = ReadRaw($"""
            From: Some Server <relay@example.test>
            To: bounces@mailstack.test
            Subject: {subject}

            <x@example.test>: 550 5.1.1 user unknown
            """);

        Assert.True(result.IsBounce);
        var bounce = Assert.Single(result.Recipients);
        Assert.Equal(("x@example.test", BounceType.Hard, "550"), (bounce.Recipient, bounce.Type, bounce.Code));
    }

    [Theory]
    [InlineData("MAILER-DAEMON@mx.example.test", "<x@example.test>: 554 5.7.1 rejected", true)]
    [InlineData("postmaster@mx.example.test", "<x@example.test>: 554 5.7.1 rejected", true)]
    [InlineData("postmaster@mx.example.test", "Your monthly delivery summary is attached.", false)]
    [InlineData("alice@example.test", "<x@example.test>: 554 5.7.1 rejected", false)]
    public void A_mailer_daemon_without_a_bounce_subject_bounces_only_when_it_quotes_a_failure(string from, string body, bool isBounce)
    {
        var result = ReadRaw($"""
            From: {from}
            To: bounces@mailstack.test
            Subject: Notice

            {body}
            """);

        Assert.Equal(isBounce, result.IsBounce);
        Assert.Equal(isBounce ? 1 : 0, result.Recipients.Count);
    }

    [Fact]
    public void An_auto_reply_is_no_bounce()
    {
        var result = ReadRaw("""
            From: Alice <alice@example.test>
            To: bounces@mailstack.test
            Subject: Out of office
            Auto-Submitted: auto-replied

            I am away until Monday. For urgent matters call 555 0100.
            """);

        Assert.False(result.IsBounce);
        Assert.Empty(result.Recipients);
        Assert.True(result.Correlation.IsEmpty);
    }
}
