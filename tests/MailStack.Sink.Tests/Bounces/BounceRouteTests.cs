using System.Net.Sockets;
using MailKit.Security;
using MailStack.Sink.Bounces;
using MimeKit;
using static MailStack.Sink.Tests.Bounces.BounceReports;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests.Bounces;

/// <summary>Reports delivered through the configured route: SMTP to another server, IMAP APPEND to a real Dovecot.</summary>
public sealed class BounceRouteTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    private static readonly ChaosSettings AddressRules = new() { Preset = "address_rules" };

    [Fact]
    public async Task Smtp_route_sends_the_report_from_the_null_sender_to_the_envelope_sender()
    {
        await using var senders = await StartSinkAsync();
        await using var bouncing = await StartSinkAsync(o =>
        {
            o.Chaos = AddressRules;
            o.Bounce.Smtp = new SmtpBounceRouteOptions { Host = senders.Host, Port = senders.SmtpPort, Security = SecureSocketOptions.StartTls, AllowUntrustedCertificates = true };
        });
        using var sendersApi = ClientFor(senders);
        using var bouncingApi = ClientFor(bouncing);
        var sender = sendersApi.NewAddress("smtp-route");
        var bounced = $"x-{Guid.NewGuid():N}@bounce-hard.example";

        await SendRawAsync(bouncing, $"<{sender}> ENVID=smtp-route-1", [$"<{bounced}>"], "smtp-route-1");

        var (stored, report) = await WaitForReportAsync(sendersApi, sender);
        Assert.Equal("", stored.Envelope!.From);
        Assert.Equal([new EnvelopeRecipient(sender, null, null)], stored.Envelope.Recipients);
        var (perMessage, perRecipient, _) = Dissect(report);
        Assert.Equal("smtp-route-1", perMessage["Original-Envelope-Id"]);
        Assert.Equal($"rfc822; {bounced}", Assert.Single(perRecipient)["Final-Recipient"]);
        // The bouncing sink keeps only the accepted message, not the report.
        Assert.Equal(["smtp-route-1"], (await bouncingApi.SearchAsync("", cancellationToken: Cancellation)).Select(m => m.Subject));
    }

    [Fact]
    public async Task Imap_route_appends_the_report_to_the_bounce_mailbox()
    {
        var server = dovecot.Server;
        await using var bouncing = await StartSinkAsync(o =>
        {
            o.Chaos = AddressRules;
            o.Bounce.Imap = new ImapBounceRouteOptions { Host = server.Host, Port = server.Port, User = server.User, Password = server.Password, Security = SecureSocketOptions.None };
        });
        var bounced = $"x-{Guid.NewGuid():N}@bounce-soft.example";

        await SendRawAsync(bouncing, "<app@example.test> RET=HDRS", [$"<{bounced}>"], $"imap-route-{Guid.NewGuid():N}");

        await using var imap = await dovecot.ConnectAsync();
        var report = await Eventually.GetAsync<MimeMessage>(async _ => await imap.FindAsync(bounced, cancellationToken: Cancellation) is [var one] ? one : null,
            $"a report about {bounced} in the bounce mailbox");
        Assert.Equal("app@example.test", report.To.Mailboxes.Single().Address);
        var (_, perRecipient, returned) = Dissect(report);
        Assert.Equal([("Final-Recipient", $"rfc822; {bounced}"), ("Action", "failed"), ("Status", "4.2.2"), ("Diagnostic-Code", $"smtp; 452 4.2.2 <{bounced}>: mailbox full")], Fields(Assert.Single(perRecipient)));
        Assert.IsType<TextRfc822Headers>(returned);
    }

    [Fact]
    public async Task A_failing_route_is_tried_a_bounded_number_of_times_and_the_sink_goes_on()
    {
        // A server that takes each connection and drops it at once: every delivery try fails.
        using var dead = new TcpListener(IPAddress.Loopback, 0);
        dead.Start();
        var tries = 0;
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var connection = await dead.AcceptTcpClientAsync(Cancellation);
                    Interlocked.Increment(ref tries);
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException or OperationCanceledException)
            {
                // The listener stopped with the test.
            }
        }, Cancellation);
        await using var bouncing = await StartSinkAsync(o =>
        {
            o.Chaos = AddressRules;
            o.Bounce.Smtp = new SmtpBounceRouteOptions { Host = "127.0.0.1", Port = ((IPEndPoint)dead.LocalEndpoint).Port, Security = SecureSocketOptions.None };
            o.Bounce.MaxAttempts = 3;
            o.Bounce.RetryDelay = TimeSpan.FromMilliseconds(50);
        });
        using var api = ClientFor(bouncing);

        await SendRawAsync(bouncing, "<app@example.test>", [$"<x-{Guid.NewGuid():N}@bounce-hard.example>"], "dead-route");

        await Eventually.GetAsync(_ => Task.FromResult(Volatile.Read(ref tries) >= 3 ? (object)tries : null), "three delivery tries");
        await Eventually.NeverAsync(_ => Task.FromResult(Volatile.Read(ref tries) > 3), TimeSpan.FromSeconds(1), "a fourth try");
        var to = api.NewAddress("after-dead-route");
        await SendAsync(bouncing, NewMessage(to, "still accepting"));
        Assert.Equal("still accepting", (await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).Subject);
        dead.Stop();
        await accepting;
    }

    [Fact]
    public async Task Stopping_with_a_pending_bounce_is_bounded()
    {
        var bouncing = await StartSinkAsync(o =>
        {
            o.Chaos = new ChaosSettings { Rules = [new ChaosRule { Stage = ChaosStage.Rcpt, Action = ChaosAction.Bounce, DelayMilliseconds = 600_000 }] };
            o.ShutdownTimeout = TimeSpan.FromSeconds(2);
        });
        await SendRawAsync(bouncing, "<app@example.test>", ["<later@example.test>"], "pending-at-stop");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await bouncing.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"stopping took {clock.Elapsed.TotalSeconds:F1} s");
    }
}
