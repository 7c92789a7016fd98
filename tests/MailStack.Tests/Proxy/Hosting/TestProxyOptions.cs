using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MailStack.Tests.Proxy.Hosting;

/// <summary>How <see cref="TestProxy.StartAsync"/> starts a test's own proxy.</summary>
public sealed record TestProxyOptions
{
    public ProxyHosting Hosting { get; init; } = ProxyHosting.Process;

    /// <summary>
    /// True (default): a database of its own on the stack's PostgreSQL, so nothing else claims its
    /// messages and its counters and timing are the test's alone. False: the stack's <c>maildb</c>, a
    /// replica next to the stack's proxy.
    /// </summary>
    public bool OwnDatabase { get; init; } = true;

    /// <summary>
    /// A database the test created and keeps (instead of <see cref="OwnDatabase"/>): proxies started one
    /// after another on one state, e.g. a restart that must resume where the last one stopped.
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
