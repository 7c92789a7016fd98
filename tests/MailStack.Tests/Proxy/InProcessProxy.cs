using MailStack.Proxy.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MailStack.Tests.Proxy;

/// <summary>
/// The proxy hosted in the test process (the same composition as the service: <see cref="ProxyApplication"/>)
/// on a database of its own on the stack's PostgreSQL server, so its settings — a renamed tracking
/// header, a dispatch delay — and its telemetry touch no other test. Dispose drops the database.
/// </summary>
public sealed class InProcessProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _serverConnectionString;
    private readonly string _database;

    private InProcessProxy(WebApplication app, Uri baseAddress, string serverConnectionString, string database)
    {
        _app = app;
        BaseAddress = baseAddress;
        _serverConnectionString = serverConnectionString;
        _database = database;
    }

    public const string AdminToken = "in-process-admin";

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The proxy's own database (its spans carry this name).</summary>
    public string Database => _database;

    /// <param name="dispatch"><c>Proxy:Dispatch</c> settings on top of the stack's test settings.</param>
    /// <param name="configure">More services, e.g. in-memory telemetry exporters.</param>
    public static async Task<InProcessProxy> StartAsync(StackFixture stack, IReadOnlyDictionary<string, string> dispatch, Action<IServiceCollection>? configure = null)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var stackDatabase = await stack.App.GetConnectionStringAsync("maildb", cancellation) ?? throw new InvalidOperationException("maildb has no connection string");
        var database = $"proxy_{Guid.NewGuid():N}";
        await using (var server = new NpgsqlConnection(stackDatabase))
        {
            await server.OpenAsync(cancellation);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", server);
            await create.ExecuteNonQueryAsync(cancellation);
        }

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:maildb"] = new NpgsqlConnectionStringBuilder(stackDatabase) { Database = database }.ConnectionString,
            ["Proxy:AdminToken"] = AdminToken,
            ["Proxy:Dispatch:AllowUntrustedCertificates"] = "true",
        };
        foreach (var (key, value) in StackFixture.DispatchSettings.Concat(dispatch))
        {
            settings[$"Proxy:Dispatch:{key}"] = value;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddProxy();
        configure?.Invoke(builder.Services);
        var app = await builder.BuildProxyAsync();
        await app.StartAsync(cancellation);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessProxy(app, new Uri(address), stackDatabase, database);
    }

    public HttpClient Client(string? token = AdminToken)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Add("X-API-Token", token);
        }

        return http;
    }

    /// <summary>Creates a tenant with one plain-SMTP account "main" on the stack's <paramref name="sink"/>, reporting to <paramref name="echo"/> if given.</summary>
    public async Task CreateTenantAsync(StackFixture stack, string tenantId, string sink = "sink-tenant1", string? echo = null)
    {
        var smtp = stack.App.GetEndpoint(sink, "smtp");
        var clientBaseUrl = echo is null ? null : stack.App.GetEndpoint(echo, "http").ToString().TrimEnd('/');
        using var admin = Client();
        using (var created = await admin.PostAsJsonAsync("/tenant", new { id = tenantId, client_base_url = clientBaseUrl }, TestContext.Current.CancellationToken))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        using var account = await admin.PostAsJsonAsync("/account", new { id = "main", tenant_id = tenantId, host = smtp.Host, port = smtp.Port, use_tls = false }, TestContext.Current.CancellationToken);
        Assert.True(account.IsSuccessStatusCode, await account.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await using var server = new NpgsqlConnection(_serverConnectionString);
        await server.OpenAsync(CancellationToken.None);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
