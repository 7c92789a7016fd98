namespace MailStack.Tests.Proxy.Client;

/// <summary>The answer to the echo server's <c>GET /requests</c>.</summary>
public sealed record EchoRequestList(IReadOnlyList<EchoRequest> Requests);
