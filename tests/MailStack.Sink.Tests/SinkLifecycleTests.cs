using System.Diagnostics;
using MailKit.Security;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests;

/// <summary>Start, stop and load: the flakes this project exists to remove.</summary>
public sealed class SinkLifecycleTests
{
    private static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Starttls_auth_send_then_dispose_200_times_without_failure_or_hang()
    {
        for (var i = 0; i < 200; i++)
        {
            await using var sink = await StartSinkAsync(o => o.ShutdownTimeout = ShutdownBound);
            using var api = ClientFor(sink);
            var to = api.NewAddress($"repeat-{i}");
            using (var smtp = await ConnectAsync(sink, SecureSocketOptions.StartTls))
            {
                await smtp.AuthenticateAsync("user", "password", Cancellation);
                await smtp.SendAsync(NewMessage(to, $"round {i}"), Cancellation);
                await smtp.DisconnectAsync(true, Cancellation);
            }

            Assert.Equal($"round {i}", Assert.Single(sink.Store.Snapshot()).Summary.Subject);
        }
    }

    [Fact]
    public async Task Fifty_concurrent_sessions_store_every_message_exactly_once()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        var to = api.NewAddress("concurrent");
        const int sessions = 50, perSession = 10;

        await Task.WhenAll(Enumerable.Range(0, sessions).Select(async s =>
        {
            using var smtp = await ConnectAsync(sink, s % 2 == 0 ? SecureSocketOptions.StartTls : SecureSocketOptions.None);
            for (var m = 0; m < perSession; m++)
            {
                await smtp.SendAsync(NewMessage(to, $"s{s}-m{m}"), Cancellation);
            }

            await smtp.DisconnectAsync(true, Cancellation);
        }));

        var subjects = sink.Store.MailboxOf(to).Select(m => m.Summary.Subject).ToList();
        Assert.Equal(sessions * perSession, subjects.Count);
        Assert.Equal(sessions * perSession, subjects.Distinct().Count());
    }

    [Fact]
    public async Task Dispose_with_nothing_connected_returns_promptly()
    {
        var sink = await StartSinkAsync(o => o.ShutdownTimeout = ShutdownBound);
        var stopwatch = Stopwatch.StartNew();
        await sink.DisposeAsync();
        Assert.True(stopwatch.Elapsed < ShutdownBound, $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Dispose_with_idle_sessions_open_ends_them_with_421_within_the_bound()
    {
        var sink = await StartSinkAsync(o => o.ShutdownTimeout = ShutdownBound);
        var wires = new List<SmtpWire>();
        for (var i = 0; i < 5; i++)
        {
            var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
            await wire.ReadReplyAsync();
            await wire.CommandAsync("EHLO idle.test");
            wires.Add(wire);
        }

        var stopwatch = Stopwatch.StartNew();
        await sink.DisposeAsync();
        Assert.True(stopwatch.Elapsed < ShutdownBound + TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed}");
        foreach (var wire in wires)
        {
            Assert.Equal("421 4.3.2 Service shutting down", await wire.ReadReplyAsync());
            Assert.True(await wire.IsClosedAsync());
            await wire.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dispose_while_a_client_is_mid_data_returns_within_the_bound_and_stores_nothing()
    {
        var sink = await StartSinkAsync(o => o.ShutdownTimeout = ShutdownBound);
        await using var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO client.test");
        await wire.CommandAsync("MAIL FROM:<a@example.test>");
        await wire.CommandAsync("RCPT TO:<b@example.test>");
        await wire.CommandAsync("DATA");
        await wire.SendAsync("Subject: never finished\r\n\r\npartial");

        var store = sink.Store;
        var stopwatch = Stopwatch.StartNew();
        await sink.DisposeAsync();
        Assert.True(stopwatch.Elapsed < ShutdownBound + TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed}");
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Many_sinks_run_side_by_side_in_one_process()
    {
        var sinks = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => StartSinkAsync()));
        try
        {
            Assert.Equal(8, sinks.Select(s => s.SmtpPort).Distinct().Count());
            for (var i = 0; i < sinks.Length; i++)
            {
                await SendAsync(sinks[i], NewMessage($"box{i}@example.test", $"to sink {i}"));
            }

            for (var i = 0; i < sinks.Length; i++)
            {
                Assert.Equal($"to sink {i}", Assert.Single(sinks[i].Store.Snapshot()).Summary.Subject);
            }
        }
        finally
        {
            foreach (var sink in sinks)
            {
                await sink.DisposeAsync();
            }
        }
    }
}
