using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace MailStack.Tests.Proxy.Hosting;

/// <summary>
/// The one way a test starts a proxy of its own next to the stack's: a process it may stop or kill,
/// or the same composition in the test process (a fake clock, extra services); on a database of its
/// own, never the stack's; one instance or several sharing database and clock. Every instance gets
/// the stack's test settings (<see cref="StackFixture.DispatchSettings"/>) and admin token; disposal
/// stops them and drops a database of its own.
/// </summary>
public sealed class TestProxy : IAsyncDisposable
{
    private readonly List<IProxyReplica> _replicas = [];
    private readonly ScratchDatabase? _ownDatabase;
    private readonly FakeTimeProvider? _clock;

    private TestProxy(StackFixture stack, ScratchDatabase? ownDatabase, string connectionString, FakeTimeProvider? clock)
    {
        Stack = stack;
        AdminToken = stack.AdminToken;
        _ownDatabase = ownDatabase;
        _clock = clock;
        Database = NpgsqlDataSource.Create(connectionString);
        DatabaseName = new NpgsqlConnectionStringBuilder(connectionString).Database!;
    }

    /// <summary>The stack this proxy runs beside (its PostgreSQL, sinks and echo servers).</summary>
    public StackFixture Stack { get; }

    /// <summary>The stack's admin token, which this proxy takes too.</summary>
    public string AdminToken { get; }

    public int ReplicaCount => _replicas.Count;

    /// <summary>The first instance's address.</summary>
    public Uri BaseAddress => _replicas[0].BaseAddress;

    /// <summary>The proxy's database, for what the API does not show (the send log) or cannot set (a bounce).</summary>
    public NpgsqlDataSource Database { get; }

    /// <summary>The database's name (its spans carry it).</summary>
    public string DatabaseName { get; }

    /// <summary>The clock of an in-process proxy started with <see cref="TestProxyOptions.Clock"/>.</summary>
    public FakeTimeProvider Clock => _clock ?? throw new InvalidOperationException("this proxy runs on the system clock (TestProxyOptions.Clock)");

    /// <summary>The first instance's services (in-process only).</summary>
    public IServiceProvider Services => (_replicas[0] as InProcessReplica)?.Services ?? throw new InvalidOperationException("a proxy process has no services to read; start it in-process");

    /// <summary>The last lines the first instance wrote (a process only), for failure messages.</summary>
    public string RecentOutput => (_replicas[0] as ProxyProcess)?.RecentOutput ?? "";

    public static async Task<TestProxy> StartAsync(StackFixture stack, TestProxyOptions? options = null)
    {
        options ??= new TestProxyOptions();
        if (options.Hosting == ProxyHosting.Process && (options.Clock is not null || options.Services is not null))
        {
            throw new ArgumentException("a fake clock or extra services need an in-process proxy", nameof(options));
        }

        var cancellation = TestContext.Current.CancellationToken;
        var ownDatabase = options.Database is null ? await ScratchDatabase.CreateAsync(stack, cancellation) : null;
        var connectionString = (options.Database ?? ownDatabase!).ConnectionString;
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:maildb"] = connectionString,
            ["Proxy:AdminToken"] = stack.AdminToken,
            ["Proxy:Dispatch:AllowUntrustedCertificates"] = "true",
        };
        foreach (var (key, value) in StackFixture.DispatchSettings)
        {
            settings[$"Proxy:Dispatch:{key}"] = value;
        }

        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        var proxy = new TestProxy(stack, ownDatabase, connectionString, options.Clock);
        try
        {
            for (var i = 0; i < options.Replicas; i++)
            {
                proxy._replicas.Add(options.Hosting == ProxyHosting.InProcess
                    ? await InProcessReplica.StartAsync(settings, options.Clock, options.Services)
                    : await ProxyProcess.StartAsync(settings));
            }

            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>An admin client of instance <paramref name="replica"/>.</summary>
    public HttpClient Client(int replica = 0) => Client(AdminToken, replica);

    /// <summary>A client of instance <paramref name="replica"/> with <paramref name="token"/> (null: none).</summary>
    public HttpClient Client(string? token, int replica = 0)
    {
        var http = new HttpClient { BaseAddress = _replicas[replica].BaseAddress };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Add("X-API-Token", token);
        }

        return http;
    }

    /// <summary>SIGKILL to a process instance: no graceful shutdown, its claims stay taken until their lease runs out.</summary>
    public Task KillAsync(int replica = 0) => Process(replica).KillAsync();

    /// <summary>SIGTERM to a process instance; its exit code, or null if it had to be killed after 30 s.</summary>
    public Task<int?> StopAsync(int replica = 0) => Process(replica).StopAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await Database.DisposeAsync();
        if (_ownDatabase is not null)
        {
            await _ownDatabase.DisposeAsync();
        }
    }

    private ProxyProcess Process(int replica) =>
        _replicas[replica] as ProxyProcess ?? throw new InvalidOperationException("only a proxy process can be stopped or killed");
}
