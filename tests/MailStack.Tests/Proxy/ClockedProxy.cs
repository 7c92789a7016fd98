using MailStack.Sink.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace MailStack.Tests.Proxy;

/// <summary>
/// The proxy on a fake clock: a <see cref="TestProxy"/> hosted in the test process with a
/// <see cref="FakeTimeProvider"/>, on a database of its own (the stack's proxy, on real time, never
/// sees these messages). Rate-limit windows and retention periods pass when the test moves the clock,
/// not by waiting. Any number of replicas share the database and the clock. Mail goes to whatever SMTP
/// server a tenant's account names, reports to the stack's echo server.
/// </summary>
public static class ClockedProxy
{
    /// <summary>Where the clock starts: 5 s into a minute, so the next minute boundary is 55 s ahead.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 5, TimeSpan.Zero);

    /// <param name="settings">Proxy settings on top of the defaults here, e.g. <c>Proxy:Dispatch:BatchSize</c>.</param>
    public static Task<TestProxy> StartAsync(StackFixture stack, int replicas = 1, IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            ["Proxy:Dispatch:PollInterval"] = "00:00:00.2",
            // The idle pause runs on the (fake) clock: none, or it would wait for the test to move time.
            ["Proxy:Dispatch:MinClaimInterval"] = "00:00:00",
            ["Proxy:Dispatch:SyncInterval"] = "1.00:00:00",
            // The retention job only where a test asks for it (days pass here in an instant).
            ["Proxy:Retention:Interval"] = "40.00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        return TestProxy.StartAsync(stack, new TestProxyOptions { Hosting = ProxyHosting.InProcess, Replicas = replicas, Clock = new FakeTimeProvider(Start), Settings = all });
    }

    public static string Status(JsonElement message) => message.GetProperty("status").GetString()!;

    extension(TestProxy proxy)
    {
        public long Now => proxy.Clock.GetUtcNow().ToUnixTimeSeconds();

        /// <summary>
        /// Creates a tenant reporting to the stack's echo server at <paramref name="syncPath"/> (or to
        /// <paramref name="clientBaseUrl"/>) with the given accounts on <paramref name="sink"/>; returns its API key.
        /// </summary>
        /// <param name="accounts">Account fields beyond the SMTP address, e.g. <c>new { id = "main", limit_per_minute = 3 }</c>.</param>
        public async Task<string> CreateTenantAsync(string tenantId, MailSink sink, string syncPath, IEnumerable<object> accounts, int? retentionSeconds = null, string? clientBaseUrl = null)
        {
            using var admin = proxy.Client();
            var echo = proxy.Stack.App.GetEndpoint("echo-tenant1", "http").ToString().TrimEnd('/');
            using var created = await admin.PostAsJsonAsync("/tenant", new { id = tenantId, client_base_url = clientBaseUrl ?? echo, client_sync_path = syncPath, retention_seconds = retentionSeconds }, ProxyApi.Cancellation);
            var body = await created.Content.ReadFromJsonAsync<JsonElement>(ProxyApi.Cancellation);
            Assert.True(created.IsSuccessStatusCode, body.ToString());
            foreach (var account in accounts)
            {
                await proxy.UpsertAccountAsync(tenantId, sink, account);
            }

            return body.GetProperty("api_key").GetString()!;
        }

        /// <summary>Creates or replaces an account on <paramref name="sink"/>: <paramref name="fields"/> (id, limits…) plus tenant, host, port and plain SMTP.</summary>
        public async Task UpsertAccountAsync(string tenantId, MailSink sink, object fields)
        {
            var account = JsonSerializer.SerializeToNode(fields)!.AsObject();
            account["tenant_id"] = tenantId;
            account["host"] = "127.0.0.1";
            account["port"] = sink.SmtpPort;
            account["use_tls"] = false;
            using var admin = proxy.Client();
            using var response = await admin.PostAsJsonAsync("/account", account, ProxyApi.Cancellation);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ProxyApi.Cancellation));
        }

        /// <summary>Enqueues one message per id (subject = id) through <paramref name="account"/>, to one address.</summary>
        public async Task AddAsync(string tenantId, string account, params string[] ids)
        {
            using var admin = proxy.Client();
            var messages = ids.Select(id => new { id, tenant_id = tenantId, account_id = account, from = "app@example.test", to = $"{tenantId}@example.test", subject = id, body = "rate" });
            using var response = await admin.PostAsJsonAsync("/commands/add-messages", new { messages }, ProxyApi.Cancellation);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ProxyApi.Cancellation);
            Assert.True(response.IsSuccessStatusCode && body.GetProperty("queued").GetInt32() == ids.Length, body.ToString());
        }

        /// <summary>The tenant's messages with their history, by id.</summary>
        public async Task<Dictionary<string, JsonElement>> MessagesAsync(string tenantId, CancellationToken cancellationToken)
        {
            using var admin = proxy.Client();
            var list = await admin.GetFromJsonAsync<JsonElement>($"/messages?tenant_id={Uri.EscapeDataString(tenantId)}&include_history=true", cancellationToken);
            return list.GetProperty("messages").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!, m => m.Clone());
        }

        /// <summary>
        /// Waits until no message of the tenant can move before the clock does: none pending or being
        /// sent, every deferred one due later than now. Returns the messages then.
        /// </summary>
        public async Task<Dictionary<string, JsonElement>> WaitUntilSettledAsync(string tenantId)
        {
            Dictionary<string, JsonElement> last = [];
            return await Eventually.GetAsync(async cancellation =>
            {
                last = await proxy.MessagesAsync(tenantId, cancellation);
                return last.Values.All(m => Status(m) switch
                {
                    "sent" or "error" or "bounced" => true,
                    "deferred" => m.GetProperty("deferred_ts").GetInt64() > proxy.Now,
                    _ => false,
                }) ? last : null;
            }, $"the messages of {tenantId} to settle at {proxy.Clock.GetUtcNow():u}", TimeSpan.FromSeconds(30),
                () => string.Join("\n", last.Values.Select(m => $"{m.GetProperty("id")}: {Status(m)}")));
        }

        /// <summary>Waits until every message of the tenant is finished (sent, error) and each of its events reported.</summary>
        public async Task<Dictionary<string, JsonElement>> WaitUntilReportedAsync(string tenantId)
        {
            Dictionary<string, JsonElement> last = [];
            return await Eventually.GetAsync(async cancellation =>
            {
                last = await proxy.MessagesAsync(tenantId, cancellation);
                return last.Count > 0 && last.Values.All(m => Status(m) is "sent" or "error"
                    && m.GetProperty("history").GetArrayLength() > 0
                    && m.GetProperty("history").EnumerateArray().All(e => e.TryGetProperty("reported_ts", out _))) ? last : null;
            }, $"every event of {tenantId} to be reported", TimeSpan.FromSeconds(30), () => string.Join("\n", last.Values));
        }

        /// <summary>Moves the clock of every replica to <paramref name="utc"/> and wakes them (as a poll would, a little later).</summary>
        public async Task SetClockAsync(DateTimeOffset utc)
        {
            proxy.Clock.SetUtcNow(utc);
            for (var i = 0; i < proxy.ReplicaCount; i++)
            {
                using var admin = proxy.Client(replica: i);
                using var response = await admin.PostAsync("/commands/run-now", null, ProxyApi.Cancellation);
                response.EnsureSuccessStatusCode();
            }
        }
    }
}
