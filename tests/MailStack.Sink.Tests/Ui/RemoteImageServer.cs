using System.Net.Sockets;

namespace MailStack.Sink.Tests.Ui;

/// <summary>A loopback HTTP server standing for "the internet" of a mail's remote image: serves one PNG and counts requests.</summary>
public sealed class RemoteImageServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _serving;
    private readonly byte[] _png;
    private int _requests;

    private RemoteImageServer(HttpListener listener, int port, byte[] png)
    {
        _listener = listener;
        _png = png;
        ImageUrl = $"http://127.0.0.1:{port}/pixel.png";
        _serving = ServeAsync();
    }

    public string ImageUrl { get; }

    public int Requests => Volatile.Read(ref _requests);

    public static RemoteImageServer Start(byte[] png)
    {
        // HttpListener cannot bind port 0: take a free port from the OS, then listen on it.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        return new RemoteImageServer(listener, port, png);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            context.Response.ContentType = "image/png";
            await context.Response.OutputStream.WriteAsync(_png);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
