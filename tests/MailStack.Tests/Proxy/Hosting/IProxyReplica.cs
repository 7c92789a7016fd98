namespace MailStack.Tests.Proxy.Hosting;

/// <summary>One running instance of a <see cref="TestProxy"/>.</summary>
internal interface IProxyReplica : IAsyncDisposable
{
    Uri BaseAddress { get; }
}
