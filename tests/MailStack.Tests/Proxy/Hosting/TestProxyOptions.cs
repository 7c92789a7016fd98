using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MailStack.Tests.Proxy.Hosting;

/// <summary>How <see cref="TestProxy.StartAsync"/> starts a test's own proxy.</summary>
public sealed record TestProxyOptions
{
    public ProxyHosting Hosting { get; init; } = ProxyHosting.Process;

    /// <summary>
    /// A database the test created and keeps: proxies on one state, started one after another (a
    /// restart that must resume where the last one stopped) or side by side with settings of their
    /// own. Null (default): a database of the proxy's own on the stack's PostgreSQL, dropped with it.
    /// Never the stack's <c>maildb</c>: a proxy there would claim, send and report other tests' mail,
    /// so their counters and timing would not be theirs.
    /// </summary>
    public ScratchDatabase? Database { get; init; }

    /// <summary>Instances sharing the database (and the clock).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Configuration by full key (<c>Proxy:Dispatch:SyncInterval</c>), on top of the stack's test settings.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>In-process only: the clock every replica reads instead of the system's.</summary>
    public FakeTimeProvider? Clock { get; init; }

    /// <summary>In-process only: more services, e.g. in-memory telemetry exporters.</summary>
    public Action<IServiceCollection>? Services { get; init; }
}
