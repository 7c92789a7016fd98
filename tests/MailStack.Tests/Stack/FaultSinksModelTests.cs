using MailKit.Net.Smtp;
using MailStack.Sink.Hosting;
using Microsoft.Extensions.Configuration;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Tests.Stack;

/// <summary>
/// The classic error servers (<c>MailStack:FaultSinks</c>): the graph with the setting on and off,
/// and each fault sink's SMTP answers — an in-process sink started with exactly the settings the
/// AppHost gives that resource, driven over real SMTP with MailKit.
/// </summary>
public sealed class FaultSinksModelTests
{
    private static readonly (string Name, int SmtpPort, int HttpPort, string Preset)[] Expected =
    [
        ("sink-reject", 1027, 8027, "reject_all"),
        ("sink-tempfail", 1028, 8028, "temp_fail"),
        ("sink-timeout", 1029, 8029, "timeout"),
        ("sink-ratelimit", 1030, 8030, "rate_limit"),
        ("sink-random", 1031, 8031, "random"),
    ];

    private static async Task<IDistributedApplicationTestingBuilder> BuildModelAsync(params string[] settings) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.MailStack_AppHost>(["MailStack:Infrastructure=local", .. settings], Cancellation);

    /// <summary>The environment the AppHost gives a resource, literal values only (endpoints resolve at run time).</summary>
    private static async Task<Dictionary<string, string>> LiteralEnvironmentOfAsync(IDistributedApplicationTestingBuilder builder, IResource resource)
    {
        var values = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(builder.ExecutionContext, resource, values, Cancellation);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return values.Where(v => v.Value is string).ToDictionary(v => v.Key, v => (string)v.Value);
    }

    /// <summary>An in-process sink configured as the AppHost configures <paramref name="name"/> (ports aside).</summary>
    private static async Task<MailSink> StartLikeAsync(string name, Action<MailSinkOptions>? adjust = null)
    {
        await using var builder = await BuildModelAsync("MailStack:FaultSinks=true");
        var resource = Assert.Single(builder.Resources, r => r.Name == name);
        var environment = await LiteralEnvironmentOfAsync(builder, resource);
        Assert.Contains("Sink__Chaos__Preset", environment.Keys);
        var options = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
            .Build()
            .GetSection(MailSinkOptions.SectionName)
            .Get<MailSinkOptions>()!;
        options.Smtp.Port = 0;
        options.Http.Port = 0;
        adjust?.Invoke(options);
        return await MailSink.StartAsync(options, Cancellation);
    }

    /// <summary>One message on its own connection: the reply code, 250 when accepted.</summary>
    private static async Task<int> SendOneAsync(MailSink sink, string subject)
    {
        using var client = await ConnectAsync(sink);
        try
        {
            await client.SendAsync(NewMessage("someone@example.test", subject), Cancellation);
            return 250;
        }
        catch (SmtpCommandException ex)
        {
            return (int)ex.StatusCode;
        }
    }

    [Fact]
    public async Task Fault_sinks_are_absent_from_the_default_graph()
    {
        await using var builder = await BuildModelAsync();
        Assert.DoesNotContain(builder.Resources, r => Expected.Any(e => e.Name == r.Name));
    }

    [Fact]
    public async Task With_the_setting_on_each_fault_sink_has_its_preset_ports_ui_and_health_checks()
    {
        await using var builder = await BuildModelAsync("MailStack:FaultSinks=true", AppHostProject.DevPorts);
        var tenantSink = Assert.Single(builder.Resources, r => r.Name == "sink-tenant1");
        foreach (var (name, smtpPort, httpPort, preset) in Expected)
        {
            var sink = Assert.IsType<ProjectResource>(Assert.Single(builder.Resources, r => r.Name == name));
            var endpoints = sink.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name, e => e.Port);
            Assert.Equal(smtpPort, endpoints["smtp"]);
            Assert.Equal(httpPort, endpoints["http"]);
            Assert.Equal(preset, (await LiteralEnvironmentOfAsync(builder, sink))["Sink__Chaos__Preset"]);
            // The tenant sinks' checks but the IMAP greeting: a fault sink publishes no IMAP endpoint.
            Assert.False(endpoints.ContainsKey("imap"));
            Assert.Equal(
                tenantSink.Annotations.OfType<HealthCheckAnnotation>().Count() - 1,
                sink.Annotations.OfType<HealthCheckAnnotation>().Count());
        }
    }

    [Fact]
    public async Task Reject_sink_answers_550_and_tempfail_sink_451_at_rcpt()
    {
        await using var reject = await StartLikeAsync("sink-reject");
        await using var tempfail = await StartLikeAsync("sink-tempfail");

        Assert.Equal(550, await SendOneAsync(reject, "to the reject sink"));
        Assert.Equal(451, await SendOneAsync(tempfail, "to the tempfail sink"));
        Assert.Equal((0, 0), (reject.Store.Count, tempfail.Store.Count));
    }

    [Fact]
    public async Task Ratelimit_sink_accepts_its_quota_then_answers_452()
    {
        await using var sink = await StartLikeAsync("sink-ratelimit");

        var replies = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            replies.Add(await SendOneAsync(sink, $"rate {i}"));
        }

        Assert.Equal([250, 250, 250, 452, 452], replies);
        Assert.Equal(3, sink.Store.Count);
    }

    [Fact]
    public async Task Timeout_sink_never_answers_the_end_of_data()
    {
        // A short shutdown bound: the stalled session is cut when the test ends.
        await using var sink = await StartLikeAsync("sink-timeout", o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        using var client = await ConnectAsync(sink);
        client.Timeout = 3_000;

        var error = await Record.ExceptionAsync(() => client.SendAsync(NewMessage("someone@example.test", "stalls"), Cancellation));

        Assert.True(error is TimeoutException or IOException, $"expected a client timeout, got {error?.GetType().Name}: {error?.Message}");
        Assert.Equal(0, sink.Store.Count);
    }

    [Fact]
    public async Task Random_sink_mixes_acceptance_451_and_550()
    {
        // A seed makes the draw sequence (and so this test) reproducible.
        await using var sink = await StartLikeAsync("sink-random", o => o.Chaos.Seed = 7);

        var replies = new List<int>();
        for (var i = 0; i < 30; i++)
        {
            replies.Add(await SendOneAsync(sink, $"random {i}"));
        }

        var counts = replies.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal([250, 451, 550], counts.Keys.Order());
        Assert.True(counts[250] > counts[451] && counts[451] >= 1 && counts[550] >= 1, string.Join(", ", counts));
        Assert.Equal(counts[250], sink.Store.Count);
    }
}
