using MailStack.Proxy.Dispatch;
using MailStack.Sink.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace MailStack.Tests.Proxy;

/// <summary>
/// MailStack.Proxy — the real program, over HTTP on a loopback port — hosted in the test process
/// with a <see cref="FakeTimeProvider"/> as its clock, on a database of its own on the stack's
/// PostgreSQL (the stack's proxy, on real time, never sees these messages). Rate-limit windows and
/// retention periods pass when the test moves <see cref="Clock"/>, not by waiting. Any number of
/// replicas share the database and the clock. Mail goes to whatever SMTP server a tenant's account
/// names, reports to the stack's echo server.
/// </summary>
public sealed class ClockedProxy : IAsyncDisposable
{
    /// <summary>Where the clock starts: 5 s into a minute, so the next minute boundary is 55 s ahead.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 5, TimeSpan.Zero);

    public const string AdminToken = "clocked-admin";

    private readonly StackFixture _stack;
    private readonly string _adminConnectionString;
    private readonly string _database;
    private readonly List<Host> _replicas = [];

    private ClockedProxy(StackFixture stack, string adminConnectionString, string database, NpgsqlDataSource db)
    {
        _stack = stack;
        _adminConnectionString = adminConnectionString;
        _database = database;
        Database = db;
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>The proxy's database, for what the API does not show (the send log) or cannot set yet (a bounce).</summary>
    public NpgsqlDataSource Database { get; }

    public long Now => Clock.GetUtcNow().ToUnixTimeSeconds();

    /// <param name="settings">Proxy settings on top of the defaults here, e.g. <c>Proxy:Dispatch:BatchSize</c>.</param>
    public static async Task<ClockedProxy> StartAsync(StackFixture stack, int replicas = 1, IReadOnlyDictionary<string, string>? settings = null)
    {
        var stackConnection = new NpgsqlConnectionStringBuilder(await stack.App.GetConnectionStringAsync("maildb", ProxyApi.Cancellation)
            ?? throw new InvalidOperationException("maildb has no connection string"));
        var database = $"clocked_{Guid.NewGuid():N}";
        await using (var server = NpgsqlDataSource.Create(stackConnection.ConnectionString))
        await using (var create = server.CreateCommand($"CREATE DATABASE {database}"))
        {
            await create.ExecuteNonQueryAsync(ProxyApi.Cancellation);
        }

        var own = new NpgsqlConnectionStringBuilder(stackConnection.ConnectionString) { Database = database };
        var proxy = new ClockedProxy(stack, stackConnection.ConnectionString, database, NpgsqlDataSource.Create(own.ConnectionString));
        try
        {
            for (var i = 0; i < replicas; i++)
            {
                var host = new Host(proxy.Clock, own.ConnectionString, settings ?? new Dictionary<string, string>());
                proxy._replicas.Add(host);
                host.UseKestrel(0);
                host.StartServer();
            }

            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of replica <paramref name="replica"/> with <paramref name="token"/> (the admin's by default).</summary>
    public HttpClient Client(string? token = AdminToken, int replica = 0)
    {
        var http = new HttpClient { BaseAddress = _replicas[replica].Address };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Add("X-API-Token", token);
        }

        return http;
    }

    /// <summary>
    /// Creates a tenant reporting to the stack's echo server at <paramref name="syncPath"/> (or to
    /// <paramref name="clientBaseUrl"/>) with the given accounts on <paramref name="sink"/>; returns its API key.
    /// </summary>
    /// <param name="accounts">Account fields beyond the SMTP address, e.g. <c>new { id = "main", limit_per_minute = 3 }</c>.</param>
    public async Task<string> CreateTenantAsync(string tenantId, MailSink sink, string syncPath, IEnumerable<object> accounts, int? retentionSeconds = null, string? clientBaseUrl = null)
    {
        using var admin = Client();
        var echo = _stack.App.GetEndpoint("echo-tenant1", "http").ToString().TrimEnd('/');
        using var created = await admin.PostAsJsonAsync("/tenant", new { id = tenantId, client_base_url = clientBaseUrl ?? echo, client_sync_path = syncPath, retention_seconds = retentionSeconds }, ProxyApi.Cancellation);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(ProxyApi.Cancellation);
        Assert.True(created.IsSuccessStatusCode, body.ToString());
        foreach (var account in accounts)
        {
            await UpsertAccountAsync(tenantId, sink, account);
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
        using var admin = Client();
        using var response = await admin.PostAsJsonAsync("/account", account, ProxyApi.Cancellation);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ProxyApi.Cancellation));
    }

    /// <summary>Enqueues one message per id (subject = id) through <paramref name="account"/>, to one address.</summary>
    public async Task AddAsync(string tenantId, string account, params string[] ids)
    {
        using var admin = Client();
        var messages = ids.Select(id => new { id, tenant_id = tenantId, account_id = account, from = "app@example.test", to = $"{tenantId}@example.test", subject = id, body = "rate" });
        using var response = await admin.PostAsJsonAsync("/commands/add-messages", new { messages }, ProxyApi.Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ProxyApi.Cancellation);
        Assert.True(response.IsSuccessStatusCode && body.GetProperty("queued").GetInt32() == ids.Length, body.ToString());
    }

    /// <summary>The tenant's messages with their history, by id.</summary>
    public async Task<Dictionary<string, JsonElement>> MessagesAsync(string tenantId, CancellationToken cancellationToken)
    {
        using var admin = Client();
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
            last = await MessagesAsync(tenantId, cancellation);
            return last.Values.All(m => Status(m) switch
            {
                "sent" or "error" or "bounced" => true,
                "deferred" => m.GetProperty("deferred_ts").GetInt64() > Now,
                _ => false,
            }) ? last : null;
        }, $"the messages of {tenantId} to settle at {Clock.GetUtcNow():u}", TimeSpan.FromSeconds(30),
            () => string.Join("\n", last.Values.Select(m => $"{m.GetProperty("id")}: {Status(m)}")));
    }

    /// <summary>Waits until every message of the tenant is finished (sent, error) and each of its events reported.</summary>
    public async Task<Dictionary<string, JsonElement>> WaitUntilReportedAsync(string tenantId)
    {
        Dictionary<string, JsonElement> last = [];
        return await Eventually.GetAsync(async cancellation =>
        {
            last = await MessagesAsync(tenantId, cancellation);
            return last.Count > 0 && last.Values.All(m => Status(m) is "sent" or "error"
                && m.GetProperty("history").GetArrayLength() > 0
                && m.GetProperty("history").EnumerateArray().All(e => e.TryGetProperty("reported_ts", out _))) ? last : null;
        }, $"every event of {tenantId} to be reported", TimeSpan.FromSeconds(30), () => string.Join("\n", last.Values));
    }

    public static string Status(JsonElement message) => message.GetProperty("status").GetString()!;

    /// <summary>Moves every replica's clock to <paramref name="utc"/> and wakes them (as a poll would, a little later).</summary>
    public async Task SetClockAsync(DateTimeOffset utc)
    {
        Clock.SetUtcNow(utc);
        for (var i = 0; i < _replicas.Count; i++)
        {
            using var admin = Client(replica: i);
            using var response = await admin.PostAsync("/commands/run-now", null, ProxyApi.Cancellation);
            response.EnsureSuccessStatusCode();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await Database.DisposeAsync();
        await using var server = NpgsqlDataSource.Create(_adminConnectionString);
        await using var drop = server.CreateCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
        await drop.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>One replica: the proxy's own Program, with the test's clock and database.</summary>
    private sealed class Host(FakeTimeProvider clock, string connectionString, IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Dispatcher>
    {
        public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            var defaults = new Dictionary<string, string>
            {
                ["ConnectionStrings:maildb"] = connectionString,
                ["Proxy:AdminToken"] = AdminToken,
                ["Proxy:Dispatch:AllowUntrustedCertificates"] = "true",
                ["Proxy:Dispatch:PollInterval"] = "00:00:00.2",
                // The idle pause runs on the (fake) clock: none, or it would wait for the test to move time.
                ["Proxy:Dispatch:MinClaimInterval"] = "00:00:00",
                ["Proxy:Dispatch:SyncInterval"] = "1.00:00:00",
                // The retention job only where a test asks for it (days pass here in an instant).
                ["Proxy:Retention:Interval"] = "40.00:00:00",
                ["urls"] = "http://127.0.0.1:0",
            };
            foreach (var (key, value) in defaults.Where(d => !settings.ContainsKey(d.Key)).Concat(settings))
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock));
        }
    }
}
