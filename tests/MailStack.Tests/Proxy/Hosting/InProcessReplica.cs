using MailStack.Proxy.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MailStack.Tests.Proxy.Hosting;

/// <summary>
/// A <see cref="TestProxy"/> instance hosted in the test process — the service's own composition
/// (<see cref="ProxyApplication"/>), over HTTP on a loopback port — with an optional fake clock.
/// </summary>
internal sealed class InProcessReplica(WebApplication app, Uri baseAddress) : IProxyReplica
{
    public Uri BaseAddress { get; } = baseAddress;

    public IServiceProvider Services => app.Services;

    /// <param name="settings">The whole configuration by key.</param>
    public static async Task<InProcessReplica> StartAsync(IReadOnlyDictionary<string, string> settings, FakeTimeProvider? clock, Action<IServiceCollection>? services)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddProxy();
        if (clock is not null)
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
        }

        services?.Invoke(builder.Services);
        var app = await builder.BuildProxyAsync();
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessReplica(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }
}
