using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static MailStack.Tests.Proxy.ProxyApi;

namespace MailStack.Tests.Proxy;

/// <summary>The proxy's database pool against tenants whose report endpoints hold the proxy's reports.</summary>
public sealed class ProxyPoolTests(StackFixture stack)
{
    /// <summary>
    /// What "still answers" means here: an API call takes milliseconds, while one waiting for a
    /// connection of an exhausted pool waits Npgsql's 15 s and ends in a 500.
    /// </summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    private readonly ProxyApi _proxy = new(stack);

    [Fact]
    public async Task Tenants_whose_report_endpoints_never_answer_do_not_stop_the_api()
    {
        // More silent tenants than the main pool holds connections, all reported to at once: a report
        // holds its tenant's turn (a connection) until the endpoint answers (here after ten minutes) or
        // the proxy's timeouts cut it off (30 s a report, 10 s an attempt), longer than this test's
        // part after the proxy started takes (2-3 s).
        var silentTenants = (2 * Environment.ProcessorCount) + 3;
        // In-process on a database of its own: the stack's proxy keeps its pool to the other tests.
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Hosting = ProxyHosting.InProcess,
            Settings = new Dictionary<string, string> { ["Proxy:Dispatch:MaxConcurrentReports"] = $"{silentTenants}" },
        });
        var pool = new NpgsqlConnectionStringBuilder(proxy.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString).MaxPoolSize;
        Assert.True(silentTenants > pool, $"{silentTenants} silent tenants for a main pool of {pool}");

        using var admin = proxy.Client();
        admin.Timeout = Prompt;
        var healthyId = NewId("healthy");
        using var healthy = proxy.Client(await _proxy.CreateTenantAsync(healthyId, echo: null, admin: admin));
        healthy.Timeout = Prompt;

        // A new tenant's last sync is older than the sync interval: each gets a heartbeat report at once.
        using var echo = _proxy.Echo("echo-tenant1");
        var silentPaths = new List<string>();
        for (var created = 0; created < silentTenants; created++)
        {
            var silentId = NewId("silent");
            var path = $"/sync/{silentId}";
            await echo.SetReplyAsync(path, 200, new { ok = true }, null, Cancellation, TimeSpan.FromMinutes(10));
            await PromptlyAsync($"POST /tenant ({created} of {silentTenants} silent tenants created)",
                () => _proxy.CreateTenantAsync(silentId, syncPath: path, admin: admin));
            silentPaths.Add(path);
        }

        // The API must answer all along, not only once every report hangs.
        var waiting = 0;
        await Eventually.GetAsync(async cancellation =>
        {
            await PromptlyAsync("GET /messages", () => healthy.ListMessagesAsync(healthyId, "", cancellation));
            waiting = 0;
            foreach (var path in silentPaths)
            {
                waiting += (await echo.RequestsAsync(path, cancellation)).Count > 0 ? 1 : 0;
            }

            return waiting == silentTenants ? "" : null;
        }, $"the reporter to wait at all {silentTenants} silent endpoints", TimeSpan.FromSeconds(15), () => $"{waiting} report(s) waiting");

        using var sink = _proxy.Sink("sink-tenant1");
        for (var i = 0; i < 3; i++)
        {
            var added = await PromptlyAsync("POST /commands/add-messages", () => healthy.AddMessagesAsync(OutgoingMessage.For(healthyId, $"m{i}", sink.NewAddress("pool"))));
            Assert.Equal(1, added.Queued);
        }

        var listed = await PromptlyAsync("GET /messages", () => healthy.ListMessagesAsync(healthyId, "", Cancellation));
        Assert.Equal(["m0", "m1", "m2"], listed.Messages.Select(m => m.Id).Order());
        Assert.True(await ReportTurnsAsync(proxy) >= silentTenants, "the report turns were given back before the API was checked: the test proves nothing");

        // An API call cut off by the client's timeout (Prompt) fails the test with what was held meanwhile.
        async Task<T> PromptlyAsync<T>(string call, Func<Task<T>> send)
        {
            try
            {
                return await send();
            }
            catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
            {
                var turns = await ReportTurnsAsync(proxy);
                Assert.Fail($"{call} did not answer within {Prompt.TotalSeconds:0} s while the reporter held {turns} tenants' report turns (main pool: {pool} connections)");
                throw;
            }
        }
    }

    /// <summary>The report turns taken in the proxy's database (a tenant's advisory lock each), read on a connection of the test's.</summary>
    private static async Task<long> ReportTurnsAsync(TestProxy proxy)
    {
        await using var query = proxy.Database.CreateCommand("""
            SELECT count(*) FROM pg_locks l JOIN tenants t
              ON ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('mailstack-report:' || t.id, 0)
            WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """);
        return (long)(await query.ExecuteScalarAsync(CancellationToken.None))!;
    }
}
