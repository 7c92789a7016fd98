using Microsoft.Extensions.Configuration;

namespace MailStack.AppHost.Infrastructure;

/// <summary>
/// Ports for endpoints that skip DCP's port proxy (<c>isProxied: false</c>): the service listens on
/// the port itself, one hop less for every message or request. Aspire randomizes only proxied ports,
/// so under a host that asks for random ports (the testing builder sets
/// <c>DcpPublisher:RandomizePorts</c>) the port is left to DCP, which gives a free one.
/// </summary>
internal static class UnproxiedPorts
{
    private const string RandomizePortsKey = "DcpPublisher:RandomizePorts";

    /// <returns><paramref name="devPort"/> under <c>dotnet run</c>; null (a free port) when ports are randomized.</returns>
    public static int? UnproxiedPort(this IDistributedApplicationBuilder builder, int devPort) =>
        builder.Configuration.GetValue<bool>(RandomizePortsKey) ? null : devPort;
}
