using MailStack.Sink.Hosting;
using MailStack.Sink.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests;

public sealed class SinkOptionsTests
{
    [Fact]
    public async Task An_idle_session_is_closed_with_421_after_the_command_timeout()
    {
        await using var sink = await StartSinkAsync(o => o.Smtp.CommandTimeout = TimeSpan.FromMilliseconds(300));
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO slow.test");

        Assert.Equal("421 4.4.2 Timeout, closing connection", await wire.ReadReplyAsync());
        Assert.True(await wire.IsClosedAsync());
    }

    [Fact]
    public async Task A_stalled_data_transfer_is_aborted_and_nothing_is_stored()
    {
        await using var sink = await StartSinkAsync(o => o.Smtp.DataTimeout = TimeSpan.FromMilliseconds(300));
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO slow.test");
        await wire.CommandAsync("MAIL FROM:<a@example.test>");
        await wire.CommandAsync("RCPT TO:<b@example.test>");
        await wire.CommandAsync("DATA");
        await wire.SendAsync("Subject: stalled\r\n\r\nhalf");

        Assert.Equal("421 4.4.2 Timeout, closing connection", await wire.ReadReplyAsync());
        Assert.Equal(0, sink.Store.Count);
    }

    [Fact]
    public void Messages_older_than_max_age_are_pruned()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var store = new MessageStore(Options.Create(new MailSinkOptions { Store = { MaxAge = TimeSpan.FromHours(1) } }), time);
        Add(store, "old");
        time.Advance(TimeSpan.FromMinutes(30));
        Add(store, "middle");
        time.Advance(TimeSpan.FromMinutes(31));
        Add(store, "new");

        Assert.Equal(["new", "middle"], store.Snapshot().Select(m => m.Summary.Subject));
    }

    [Fact]
    public async Task Throttle_rule_waits_then_replies()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await api.SetChaosAsync(new ChaosSettings { Rules = [new ChaosRule { Stage = ChaosStage.Mail, Action = ChaosAction.Throttle, DelayMilliseconds = 300, Code = 421, EnhancedCode = "4.7.0", Text = "slow down" }] }, Cancellation);
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO t.test");
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("421 4.7.0 slow down", await wire.CommandAsync("MAIL FROM:<a@example.test>"));
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(250), $"only {stopwatch.Elapsed}");
    }

    private static void Add(MessageStore store, string subject)
    {
        var data = System.Text.Encoding.ASCII.GetBytes($"Subject: {subject}\r\n\r\nx\r\n");
        var envelope = new Envelope("a@example.test", ["b@example.test"]);
        var (raw, summary) = MessageIngestion.Prepare(envelope, data, data.Length, "test");
        store.Add(envelope, raw, summary, null);
    }
}
