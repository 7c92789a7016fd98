using System.Net.Sockets;
using System.Text;

namespace MailStack.Sink.Tests;

/// <summary>A raw SMTP conversation over TCP, for exact bytes and replies that client libraries hide.</summary>
public sealed class SmtpWire : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly StringBuilder _buffer = new();
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private SmtpWire(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<SmtpWire> ConnectAsync(string host, int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(host, port);
        return new SmtpWire(client);
    }

    public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendBytesAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads one complete (possibly multi-line) reply, e.g. "250 2.1.0 Ok".</summary>
    /// <param name="within">How long to wait for it (10 s unless given); then the read is canceled.</param>
    public async Task<string> ReadReplyAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? ReplyTimeout);
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(timeout.Token) ?? throw new IOException($"connection closed after: {string.Join(" | ", lines)}");
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join("\n", lines);
            }
        }
    }

    /// <summary>Sends a command line and returns its reply.</summary>
    public async Task<string> CommandAsync(string command)
    {
        await SendAsync(command + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>True once the server has closed the connection (reads return end of stream).</summary>
    public async Task<bool> IsClosedAsync()
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        try
        {
            return await ReadLineAsync(timeout.Token) is null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var chunk = new byte[4096];
        while (true)
        {
            var text = _buffer.ToString();
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            if (newline >= 0)
            {
                _buffer.Remove(0, newline + 1);
                return text[..newline].TrimEnd('\r');
            }

            var read = await _stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _buffer.Append(Encoding.UTF8.GetString(chunk, 0, read));
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
