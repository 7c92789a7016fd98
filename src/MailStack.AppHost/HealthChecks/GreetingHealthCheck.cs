using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MailStack.AppHost.HealthChecks;

/// <summary>
/// Healthy when a TCP endpoint sends the protocol greeting a client waits for
/// (<c>220</c> for SMTP, <c>* OK</c> for IMAP) — an open port alone proves little.
/// </summary>
public sealed class GreetingHealthCheck(EndpointReference endpoint, string expectedPrefix) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!endpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy($"endpoint '{endpoint.EndpointName}' is not allocated yet");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
            await using var stream = client.GetStream();
            var greeting = await ReadLineAsync(stream, timeout.Token);
            return greeting.StartsWith(expectedPrefix, StringComparison.Ordinal)
                ? HealthCheckResult.Healthy(greeting)
                : HealthCheckResult.Unhealthy($"unexpected greeting '{greeting}', expected '{expectedPrefix}…'");
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"no greeting from {endpoint.Host}:{endpoint.Port}: {ex.Message}");
        }
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[512];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            var newline = Array.IndexOf(buffer, (byte)'\n', 0, length);
            if (newline >= 0)
            {
                return Encoding.ASCII.GetString(buffer, 0, newline).TrimEnd('\r');
            }
        }

        return Encoding.ASCII.GetString(buffer, 0, length);
    }
}
