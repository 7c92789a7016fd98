namespace MailStack.Tests.Proxy.Client;

/// <summary>A request a tenant's echo server recorded (<c>GET /requests</c>).</summary>
public sealed record EchoRequest(long Sequence, string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The body as the proxy's delivery report.</summary>
    public IReadOnlyList<DeliveryReportItem> Report =>
        JsonSerializer.Deserialize<DeliveryReportBody>(Body, ProxyJson.Options)!.DeliveryReport;
}
