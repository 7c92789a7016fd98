using System.Net.Sockets;
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
        // holds its tenant's turn (a connection) until the endpoint answers or the proxy's timeouts cut
        // it off (30 s a report; an attempt 10 s, then a retry on a new connection), longer than this
        // test's part after the proxy started takes (2-3 s).
        var silentTenants = (2 * Environment.ProcessorCount) + 3;
        await using var endpoint = new SilentEndpoint();
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
        var smtp = stack.App.GetEndpoint("sink-tenant1", "smtp");
        for (var created = 0; created < silentTenants; created++)
        {
            await PromptlyAsync($"POST /tenant ({created} of {silentTenants} silent tenants created)",
                () => _proxy.CreateTenantAsync(NewId("silent"), smtp.Host, smtp.Port, endpoint.Url, admin: admin));
        }

        // The API must answer all along, not only once every report hangs.
        await Eventually.GetAsync(async cancellation =>
        {
            await PromptlyAsync("GET /messages", () => healthy.ListMessagesAsync(healthyId, "", cancellation));
            return endpoint.Open >= silentTenants ? "" : null;
        }, $"the reporter to hang on all {silentTenants} silent endpoints", TimeSpan.FromSeconds(15), () => $"{endpoint.Open} report(s) hanging");

        using var sink = _proxy.Sink("sink-tenant1");
        for (var i = 0; i < 3; i++)
        {
            var added = await PromptlyAsync("POST /commands/add-messages", () => healthy.AddMessagesAsync(OutgoingMessage.For(healthyId, $"m{i}", sink.NewAddress("pool"))));
            Assert.Equal(1, added.Queued);
        }

        var listed = await PromptlyAsync("GET /messages", () => healthy.ListMessagesAsync(healthyId, "", Cancellation));
        Assert.Equal(["m0", "m1", "m2"], listed.Messages.Select(m => m.Id).Order());
        Assert.True(endpoint.Open >= silentTenants, $"only {endpoint.Open} of {silentTenants} reports still hanging: the test took longer than the proxy's attempt timeout (10 s)");

        // An API call cut off by the client's timeout (Prompt) fails the test with what was hanging meanwhile.
        async Task<T> PromptlyAsync<T>(string call, Func<Task<T>> send)
        {
            try
            {
                return await send();
            }
            catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
            {
                var turns = await ReportTurnsAsync(proxy);
                Assert.Fail($"{call} did not answer within {Prompt.TotalSeconds:0} s while the reporter held {turns} tenants' report turns, "
                    + $"{endpoint.Open} of them waiting at an endpoint that never answers (main pool: {pool} connections)");
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

    /// <summary>
    /// A tenant endpoint that accepts every connection, reads what is sent and never answers;
    /// <see cref="Open"/> counts the connections the proxy holds open to it (its reports waiting).
    /// </summary>
    private sealed class SilentEndpoint : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private int _open;

        public SilentEndpoint()
        {
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _accepting = AcceptAsync();
        }

        public string Url { get; }

        public int Open => Volatile.Read(ref _open);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            List<Task> held = [];
            try
            {
                while (true)
                {
                    held.Add(HoldAsync(await _listener.AcceptSocketAsync(_stop.Token)));
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // stopped
            }

            await Task.WhenAll(held);
        }

        /// <summary>Holds the connection until the proxy closes it (its report cut off) or the endpoint stops.</summary>
        private async Task HoldAsync(Socket connection)
        {
            Interlocked.Increment(ref _open);
            try
            {
                var buffer = new byte[4096];
                while (await connection.ReceiveAsync(buffer, _stop.Token) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                // stopped, or reset by the proxy
            }
            finally
            {
                Interlocked.Decrement(ref _open);
                connection.Dispose();
            }
        }
    }
}
