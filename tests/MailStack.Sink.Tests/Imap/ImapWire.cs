using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace MailStack.Sink.Tests.Imap;

/// <summary>
/// A raw IMAP conversation over TCP, for exact bytes that client libraries hide: literals are
/// read by their announced length, so a partial fetch's size can be checked byte for byte.
/// </summary>
public sealed class ImapWire : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpClient _client;
    private Stream _stream;

    private ImapWire(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Connects and returns the greeting line.</summary>
    public static async Task<(ImapWire Wire, string Greeting)> ConnectAsync(string host, int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(host, port);
        var wire = new ImapWire(client);
        return (wire, await wire.ReadLineAsync());
    }

    public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendBytesAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Sends <c>tag command</c> and returns every response up to and including the tagged one.</summary>
    public async Task<string> CommandAsync(string tag, string command)
    {
        await SendAsync($"{tag} {command}\r\n");
        return await ReadUntilTaggedAsync(tag);
    }

    public async Task<string> ReadUntilTaggedAsync(string tag)
    {
        var text = new StringBuilder();
        while (true)
        {
            var line = await ReadResponseAsync();
            text.Append(line).Append('\n');
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return text.ToString();
            }
        }
    }

    /// <summary>One response: a line, with any literal it announces read by length and inlined.</summary>
    public async Task<string> ReadResponseAsync()
    {
        var response = new StringBuilder();
        while (true)
        {
            var line = await ReadLineAsync();
            response.Append(line);
            var open = line.LastIndexOf('{');
            if (!line.EndsWith('}') || open < 0 || !int.TryParse(line[(open + 1)..^1], out var length))
            {
                return response.ToString();
            }

            response.Append("\r\n").Append(Encoding.Latin1.GetString(await ReadExactlyAsync(length)));
        }
    }

    /// <summary>Upgrades to TLS (after STARTTLS's OK), trusting only <paramref name="expectedHash"/>.</summary>
    public async Task StartTlsAsync(string expectedHash)
    {
        var tls = new SslStream(_stream, false, (_, certificate, _, _) => certificate?.GetCertHashString() == expectedHash);
        await tls.AuthenticateAsClientAsync("localhost");
        _stream = tls;
    }

    /// <summary>True once the server has closed the connection.</summary>
    public async Task<bool> IsClosedAsync()
    {
        try
        {
            while (true)
            {
                await ReadLineAsync();
            }
        }
        catch (EndOfStreamException)
        {
            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async Task<string> ReadLineAsync()
    {
        var bytes = new List<byte>();
        while (true)
        {
            var b = (await ReadExactlyAsync(1))[0];
            if (b == '\n')
            {
                return Encoding.UTF8.GetString([.. bytes]).TrimEnd('\r');
            }

            bytes.Add(b);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer, timeout.Token);
        return buffer;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
