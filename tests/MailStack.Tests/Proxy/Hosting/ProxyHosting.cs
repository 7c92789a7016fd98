namespace MailStack.Tests.Proxy.Hosting;

/// <summary>Where a test's own proxy runs.</summary>
public enum ProxyHosting
{
    /// <summary>A <c>dotnet exec</c> of the built proxy: a test can stop it (SIGTERM) or kill it (SIGKILL).</summary>
    Process,

    /// <summary>The same composition hosted in the test process: a fake clock, extra services, its service provider.</summary>
    InProcess,
}
