using System.Net;
using System.Net.Sockets;
using MailStack.Sink.Client;
using MailStack.Sink.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace MailStack.Sink.LinkCheck;

/// <summary>
/// Mailpit's link check: a HEAD request per link (all at once), redirects reported as they are or,
/// with <c>follow</c>, followed up to the third (which fails with "too many redirects"); loopback and
/// private addresses are refused with 451 unless <see cref="LinkCheckOptions.AllowInternalRequests"/>.
/// </summary>
public sealed class LinkChecker : IDisposable
{
    private const int MaxRedirects = 3;
    private const string Blocked = "Blocked private/reserved address";

    private readonly HttpClient _http;

    public LinkChecker(IOptions<MailSinkOptions> options)
    {
        var settings = options.Value.LinkCheck;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = settings.Timeout,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, settings.AllowInternalRequests, cancellationToken),
        };
        _http = new HttpClient(handler) { Timeout = settings.Timeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd($"MailStack.Sink/{typeof(LinkChecker).Assembly.GetName().Version}");
    }

    public async Task<LinkCheckResponse> CheckAsync(MessageDetail message, bool followRedirects, CancellationToken cancellationToken)
    {
        var links = await Task.WhenAll(LinkExtractor.Links(message).Select(l => StatusAsync(l, followRedirects, cancellationToken)));
        return new LinkCheckResponse(links.Count(l => l.StatusCode is 0 or >= 400), links);
    }

    public void Dispose() => _http.Dispose();

    private async Task<LinkStatus> StatusAsync(string link, bool followRedirects, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return new LinkStatus(link, 0, $"invalid URL: {link}");
        }

        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Head, uri);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                var code = (int)response.StatusCode;
                if (code is < 300 or >= 400 || response.Headers.Location is not { } location)
                {
                    return new LinkStatus(link, code, ReasonPhrases.GetReasonPhrase(code));
                }

                // Go's client: the redirect check runs before following, with the requests made so far.
                if (redirects + 1 >= MaxRedirects)
                {
                    return new LinkStatus(link, 0, "too many redirects");
                }

                if (!followRedirects)
                {
                    return new LinkStatus(link, code, ReasonPhrases.GetReasonPhrase(code));
                }

                uri = new Uri(uri, location);
            }
        }
        catch (HttpRequestException ex) when (ex.InnerException is InternalAddressException)
        {
            return new LinkStatus(link, 451, Blocked);
        }
        catch (HttpRequestException ex)
        {
            return new LinkStatus(link, 0, Describe(ex));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new LinkStatus(link, 0, "context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        }
    }

    /// <summary>Go's wording for the common failures, so a suite matching Mailpit's texts still matches.</summary>
    private static string Describe(HttpRequestException ex) => ex.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => "no such host",
        SocketException { SocketErrorCode: SocketError.TimedOut } => "i/o timeout",
        { } inner => inner.Message,
        null => ex.Message,
    };

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowInternal, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (!allowInternal && addresses.FirstOrDefault(InternalAddress.Is) is { } inside)
        {
            throw new InternalAddressException($"blocked request to {endPoint.Host} ({inside}): private/reserved address");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses[0], endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
