using System.Text.Json.Nodes;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests;

/// <summary>Fault injection: Mailpit's triggers, the extended rules and the presets.</summary>
public sealed class ChaosTests
{
    /// <summary>Runs one transaction and returns the first reply that was not a success, or "ok".</summary>
    private static async Task<string> TryTransactionAsync(SmtpWire wire, string to, string? authLine = null)
    {
        if (authLine is not null)
        {
            var auth = await wire.CommandAsync(authLine);
            if (!auth.StartsWith("235", StringComparison.Ordinal))
            {
                return auth;
            }
        }

        foreach (var command in new[] { "MAIL FROM:<sender@example.test>", $"RCPT TO:<{to}>", "DATA" })
        {
            var reply = await wire.CommandAsync(command);
            if (reply[0] is not ('2' or '3'))
            {
                await wire.CommandAsync("RSET");
                return reply;
            }
        }

        var end = await wire.CommandAsync("Subject: chaos\r\n\r\nbody\r\n.");
        return end.StartsWith("250", StringComparison.Ordinal) ? "ok" : end;
    }

    private static async Task<SmtpWire> OpenAsync(MailStack.Sink.Hosting.MailSink sink)
    {
        var wire = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO chaos.test");
        return wire;
    }

    [Theory]
    [InlineData("Sender", 451, "451 Chaos sender error")]
    [InlineData("Recipient", 550, "550 Chaos recipient error")]
    [InlineData("Authentication", 535, "535 Chaos authentication error")]
    public async Task Mailpit_trigger_at_100_percent_gives_the_exact_reply(string trigger, int code, string expected)
    {
        await using var sink = await StartSinkAsync();
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        var body = new JsonObject { [trigger] = new JsonObject { ["ErrorCode"] = code, ["Probability"] = 100 } };
        using var put = await http.PutAsJsonAsync("api/v1/chaos", body, Cancellation);
        var settings = JsonNode.Parse(await put.Content.ReadAsStringAsync(Cancellation))!;
        Assert.Equal(code, (int)settings[trigger]!["ErrorCode"]!);
        Assert.Equal(100, (int)settings[trigger]!["Probability"]!);

        await using var wire = await OpenAsync(sink);
        var auth = trigger == "Authentication" ? "AUTH PLAIN " + Convert.ToBase64String("\0u\0p"u8.ToArray()) : null;
        Assert.Equal(expected, await TryTransactionAsync(wire, "x@example.test", auth));
    }

    [Fact]
    public async Task Omitted_triggers_reset_to_zero()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await api.SetChaosAsync(new ChaosSettings { Sender = new ChaosTrigger { Probability = 100 } }, Cancellation);
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        using var put = await http.PutAsJsonAsync("api/v1/chaos", new JsonObject { ["Recipient"] = new JsonObject { ["Probability"] = 10 } }, Cancellation);
        var settings = JsonNode.Parse(await put.Content.ReadAsStringAsync(Cancellation))!;
        Assert.Equal(0, (int)settings["Sender"]!["Probability"]!);
        Assert.Equal(10, (int)settings["Recipient"]!["Probability"]!);
        Assert.Equal(0, (int)settings["Authentication"]!["Probability"]!);
    }

    [Fact]
    public async Task Every_nth_rule_fails_exactly_those_occurrences()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await api.SetChaosAsync(new ChaosSettings { Rules = [new ChaosRule { Stage = ChaosStage.Rcpt, EveryNth = 3, Code = 452, EnhancedCode = "4.2.2", Text = "mailbox full" }] }, Cancellation);
        await using var wire = await OpenAsync(sink);
        var results = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            results.Add(await TryTransactionAsync(wire, $"n{i}@example.test"));
        }

        Assert.Equal(["ok", "ok", "452 4.2.2 mailbox full", "ok", "ok", "452 4.2.2 mailbox full"], results);
    }

    [Fact]
    public async Task Address_regex_rule_only_hits_matching_recipients()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await api.SetChaosAsync(new ChaosSettings { Rules = [new ChaosRule { Stage = ChaosStage.Rcpt, AddressPattern = "^vip-", Code = 550, Text = "no vips" }] }, Cancellation);
        await using var wire = await OpenAsync(sink);
        Assert.Equal("550 5.0.0 no vips", await TryTransactionAsync(wire, "vip-1@example.test"));
        Assert.Equal("ok", await TryTransactionAsync(wire, "regular@example.test"));
    }

    [Fact]
    public async Task Delay_rule_slows_the_stage_then_continues()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await api.SetChaosAsync(new ChaosSettings { Rules = [new ChaosRule { Stage = ChaosStage.Mail, Action = ChaosAction.Delay, DelayMilliseconds = 400 }] }, Cancellation);
        await using var wire = await OpenAsync(sink);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("ok", await TryTransactionAsync(wire, "slow@example.test"));
        // Timers may fire a little early against another clock; without the rule this takes milliseconds.
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(350), $"only {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Disconnect_rule_closes_the_connection_at_that_stage()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await api.SetChaosAsync(new ChaosSettings { Rules = [new ChaosRule { Stage = ChaosStage.Data, Action = ChaosAction.Disconnect }] }, Cancellation);
        await using var wire = await OpenAsync(sink);
        await wire.CommandAsync("MAIL FROM:<a@example.test>");
        await wire.CommandAsync("RCPT TO:<b@example.test>");
        await wire.SendAsync("DATA\r\n");
        Assert.True(await wire.IsClosedAsync());
        Assert.Equal(0, sink.Store.Count);
    }

    [Fact]
    public async Task Connect_and_data_end_stages_reply_as_configured()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await api.SetChaosAsync(new ChaosSettings { Rules = [new ChaosRule { Stage = ChaosStage.DataEnd, Code = 554, EnhancedCode = "5.7.1", Text = "spam" }] }, Cancellation);
        await using (var wire = await OpenAsync(sink))
        {
            Assert.Equal("554 5.7.1 spam", await TryTransactionAsync(wire, "x@example.test"));
            Assert.Equal(0, sink.Store.Count);
        }

        await api.SetChaosAsync(new ChaosSettings { Rules = [new ChaosRule { Stage = ChaosStage.Connect, Code = 421, EnhancedCode = "4.3.2", Text = "busy" }] }, Cancellation);
        await using var refused = await SmtpWire.ConnectAsync(sink.Host, sink.SmtpPort);
        Assert.Equal("421 4.3.2 busy", await refused.ReadReplyAsync());
        Assert.True(await refused.IsClosedAsync());
    }

    [Theory]
    [InlineData("reject_all", "550 5.7.1 Chaos: all mail rejected")]
    [InlineData("temp_fail", "451 4.3.0 Chaos: temporary failure, try again later")]
    public async Task Reject_and_tempfail_presets_fail_every_recipient(string preset, string expected)
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await api.SetChaosAsync(new ChaosSettings { Preset = preset }, Cancellation);
        await using var wire = await OpenAsync(sink);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected, await TryTransactionAsync(wire, $"p{i}@example.test"));
        }
    }

    [Fact]
    public async Task Rate_limit_preset_accepts_n_then_452()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await api.SetChaosAsync(new ChaosSettings { Preset = "rate_limit", RateLimit = 3 }, Cancellation);
        await using var wire = await OpenAsync(sink);
        var results = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await TryTransactionAsync(wire, $"r{i}@example.test"));
        }

        Assert.Equal(["ok", "ok", "ok", "452 4.5.3 Chaos: rate limit exceeded", "452 4.5.3 Chaos: rate limit exceeded"], results);
    }

    [Fact]
    public async Task Auth_fail_preset_refuses_authentication()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await api.SetChaosAsync(new ChaosSettings { Preset = "auth_fail" }, Cancellation);
        await using var wire = await OpenAsync(sink);
        Assert.Equal("530 5.7.0 Chaos: authentication failed", await wire.CommandAsync("AUTH PLAIN " + Convert.ToBase64String("\0u\0p"u8.ToArray())));
    }

    [Fact]
    public async Task Address_rules_preset_rejects_and_defers_by_domain()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await api.SetChaosAsync(new ChaosSettings { Preset = "address_rules" }, Cancellation);
        await using var wire = await OpenAsync(sink);
        Assert.Equal("550 5.1.1 Chaos: mailbox unavailable", await TryTransactionAsync(wire, "x@reject.example.test"));
        Assert.Equal("451 4.3.0 Chaos: temporary failure", await TryTransactionAsync(wire, "x@tempfail.example.test"));
        Assert.Equal("ok", await TryTransactionAsync(wire, "x@fine.example.test"));
    }

    [Fact]
    public async Task Timeout_preset_stalls_after_data()
    {
        await using var sink = await StartSinkAsync();
        using var api = ClientFor(sink);
        await api.SetChaosAsync(new ChaosSettings { Preset = "timeout" }, Cancellation);
        await using var wire = await OpenAsync(sink);
        await wire.CommandAsync("MAIL FROM:<a@example.test>");
        await wire.CommandAsync("RCPT TO:<b@example.test>");
        await wire.CommandAsync("DATA");
        await wire.SendAsync("Subject: stall\r\n\r\nx\r\n.\r\n");
        // The preset holds the reply for ten minutes; three seconds of silence is the stall a client sees.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wire.ReadReplyAsync(within: TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Random_preset_with_a_seed_reproduces_the_same_sequence_and_mixes_outcomes()
    {
        async Task<List<string>> RunAsync()
        {
            await using var sink = await StartSinkAsync();
            using var api = ClientFor(sink);
            var settings = await api.SetChaosAsync(new ChaosSettings { Preset = "random", Seed = 1234 }, Cancellation);
            Assert.Equal(("random", 1234), (settings.Preset, settings.Seed));
            await using var wire = await OpenAsync(sink);
            var outcomes = new List<string>();
            for (var i = 0; i < 30; i++)
            {
                outcomes.Add(await TryTransactionAsync(wire, $"rand{i}@example.test"));
            }

            return outcomes;
        }

        // Two sinks side by side (each draws from its own seeded generator): the slow band's delays overlap.
        var runs = await Task.WhenAll(RunAsync(), RunAsync());
        var (first, second) = (runs[0], runs[1]);
        Assert.Equal(first, second);
        // Seeded, so this mix is fixed: mostly accepted, some 451, some 550 (the slow band only delays).
        Assert.True(first.Count(o => o == "ok") >= 15, string.Join(" | ", first));
        Assert.Contains("451 4.3.0 Chaos: random temporary failure", first);
        Assert.Contains("550 5.7.1 Chaos: random rejection", first);
    }

    [Fact]
    public async Task Chaos_from_options_applies_at_start_up()
    {
        await using var sink = await StartSinkAsync(o => o.Chaos.Recipient = new ChaosTrigger { ErrorCode = 452, Probability = 100 });
        await using var wire = await OpenAsync(sink);
        Assert.Equal("452 Chaos recipient error", await TryTransactionAsync(wire, "x@example.test"));
    }

    [Fact]
    public async Task Invalid_chaos_bodies_are_400_with_a_reason()
    {
        await using var sink = await StartSinkAsync();
        using var http = new HttpClient { BaseAddress = sink.ApiUri };
        foreach (var body in new[] { "{not json", """{"Sender":{"Probability":300}}""", """{"Preset":"no_such"}""", """{"Rules":[{"Stage":"nowhere"}]}""" })
        {
            using var response = await http.PutAsync("api/v1/chaos", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Cancellation);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
            Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync(Cancellation)));
        }
    }
}
