using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace MailStack.Sink.Client;

/// <summary>
/// Test-side client of a MailStack.Sink (or any Mailpit-compatible API for the common calls).
/// Parallel-safe by construction: give each test its own <see cref="NewAddress"/> and wait for
/// mail to that address; other tests' mail never matches.
/// </summary>
public sealed partial class MailSinkClient : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    public MailSinkClient(Uri apiBaseAddress, string domain = "mailstack.test")
        : this(new HttpClient { BaseAddress = apiBaseAddress, Timeout = Timeout.InfiniteTimeSpan }, domain) => _ownsHttp = true;

    /// <param name="http">A client whose BaseAddress is the sink's HTTP API; its Timeout must exceed the waits used.</param>
    public MailSinkClient(HttpClient http, string domain = "mailstack.test")
    {
        ArgumentNullException.ThrowIfNull(http.BaseAddress, nameof(http));
        _http = http;
        Domain = domain;
    }

    public string Domain { get; }

    /// <summary>A fresh address for one scenario: <c>&lt;scenario&gt;-&lt;8 hex&gt;@&lt;domain&gt;</c>.</summary>
    public string NewAddress(string scenario)
    {
        var slug = NonSlug().Replace(scenario.ToLowerInvariant(), "-").Trim('-');
        return $"{(slug.Length == 0 ? "test" : slug)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}@{Domain}";
    }

    /// <summary>A query matching mail delivered to <paramref name="address"/> by envelope (To, Cc and Bcc alike).</summary>
    public static string To(string address) => $"envelope-to:{address}";

    /// <summary>Waits for the first message matching <paramref name="query"/> and returns it in full.</summary>
    public async Task<MessageDetail> WaitForMessageAsync(string query, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var summaries = await WaitForCountAsync(query, 1, timeout, cancellationToken);
        return await GetMessageAsync(summaries[^1].ID, cancellationToken);
    }

    /// <summary>Waits until at least <paramref name="count"/> messages match; returns them, newest first.</summary>
    /// <exception cref="TimeoutException">Says what was awaited and what the sink held instead.</exception>
    public async Task<IReadOnlyList<MessageSummary>> WaitForCountAsync(string query, int count, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? DefaultTimeout;
        var url = $"api/v1/wait?query={Uri.EscapeDataString(query)}&count={count}&timeout={(long)limit.TotalMilliseconds}ms";
        using var response = await _http.GetAsync(url, cancellationToken);
        if (response.StatusCode == HttpStatusCode.RequestTimeout)
        {
            throw new TimeoutException(await DescribeMissAsync(query, count, limit, cancellationToken));
        }

        var body = await ReadAsync<MessagesResponse>(response, cancellationToken);
        return body.Messages;
    }

    /// <summary>Messages matching <paramref name="query"/>, newest first; an empty query lists every message.</summary>
    public async Task<IReadOnlyList<MessageSummary>> SearchAsync(string query, int limit = 50, CancellationToken cancellationToken = default)
    {
        // Mailpit answers a search without a query with 400; the list is what an empty query means.
        var url = string.IsNullOrWhiteSpace(query)
            ? $"api/v1/messages?limit={limit}"
            : $"api/v1/search?query={Uri.EscapeDataString(query)}&limit={limit}";
        using var response = await _http.GetAsync(url, cancellationToken);
        return (await ReadAsync<MessagesResponse>(response, cancellationToken)).Messages;
    }

    public async Task<MessageDetail> GetMessageAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync($"api/v1/message/{Uri.EscapeDataString(id)}", cancellationToken);
        return await ReadAsync<MessageDetail>(response, cancellationToken);
    }

    public async Task<byte[]> GetRawAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync($"api/v1/message/{Uri.EscapeDataString(id)}/raw", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>Deletes the messages matching <paramref name="query"/>, or all messages when it is null.</summary>
    public async Task PurgeAsync(string? query = null, CancellationToken cancellationToken = default)
    {
        using var response = query is null
            ? await _http.DeleteAsync("api/v1/messages", cancellationToken)
            : await _http.DeleteAsync($"api/v1/search?query={Uri.EscapeDataString(query)}", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Replaces the sink's fault injection (an empty <see cref="ChaosSettings"/> turns it off).</summary>
    public async Task<ChaosSettings> SetChaosAsync(ChaosSettings settings, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PutAsJsonAsync("api/v1/chaos", settings, SinkJson.Options, cancellationToken);
        return await ReadAsync<ChaosSettings>(response, cancellationToken);
    }

    /// <summary>Stores a message through Mailpit's send API (as if it arrived over SMTP); returns its ID.</summary>
    public async Task<string> SendAsync(SendRequest message, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync("api/v1/send", message, SinkJson.Options, cancellationToken);
        return (await ReadAsync<SendResponse>(response, cancellationToken)).ID;
    }

    /// <summary>Relays a stored message to the sink's release server (Mailpit's release), addressed to <paramref name="to"/>.</summary>
    public async Task ReleaseAsync(string id, IReadOnlyList<string> to, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync($"api/v1/message/{Uri.EscapeDataString(id)}/release", new ReleaseRequest(to), SinkJson.Options, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Every tag in use, sorted.</summary>
    public async Task<IReadOnlyList<string>> GetTagsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync("api/v1/tags", cancellationToken);
        return await ReadAsync<IReadOnlyList<string>>(response, cancellationToken);
    }

    /// <summary>Gives each message in <paramref name="ids"/> exactly <paramref name="tags"/> (none removes them all).</summary>
    public async Task SetTagsAsync(IReadOnlyList<string> ids, IReadOnlyList<string> tags, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PutAsJsonAsync("api/v1/tags", new SetTagsRequest(ids, tags), SinkJson.Options, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task RenameTagAsync(string tag, string newName, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PutAsJsonAsync($"api/v1/tags/{Uri.EscapeDataString(tag)}", new RenameTagRequest(newName), SinkJson.Options, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task DeleteTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        using var response = await _http.DeleteAsync($"api/v1/tags/{Uri.EscapeDataString(tag)}", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Every http(s) link in the message: href targets of the HTML part, then bare URLs of both parts.</summary>
    public static IReadOnlyList<Uri> ExtractLinks(MessageDetail message)
    {
        var links = new List<Uri>();
        foreach (Match match in HrefPattern().Matches(message.HTML))
        {
            Add(WebUtility.HtmlDecode(match.Groups["url"].Value));
        }

        foreach (var text in new[] { message.Text, HtmlTag().Replace(message.HTML, " ") })
        {
            foreach (Match match in BareUrl().Matches(text))
            {
                Add(WebUtility.HtmlDecode(match.Value).TrimEnd('.', ',', ';', ':', '!', '?', ')', '\'', '"'));
            }
        }

        return links;

        void Add(string candidate)
        {
            if (Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && !links.Contains(uri))
            {
                links.Add(uri);
            }
        }
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<string> DescribeMissAsync(string query, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var text = new StringBuilder($"Waited {timeout.TotalSeconds:0.###} s for {count} message(s) matching \"{query}\"");
        try
        {
            var matching = await SearchAsync(query, 20, cancellationToken);
            text.Append($"; {matching.Count} matched");
            var all = await SearchAsync("", 10, cancellationToken);
            text.Append(all.Count == 0 ? ". The sink holds no messages." : $". The newest {all.Count} message(s) in the sink:");
            foreach (var m in all)
            {
                text.Append($"\n  - \"{m.Subject}\" from {m.From.Address} to {string.Join(", ", m.To.Concat(m.Cc).Concat(m.Bcc).Select(a => a.Address))} at {m.Created:O}");
            }
        }
        catch (HttpRequestException ex)
        {
            text.Append($"; the sink could not be asked what it holds: {ex.Message}");
        }

        return text.ToString();
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(SinkJson.Options, cancellationToken)
            ?? throw new InvalidOperationException($"the sink answered {response.RequestMessage?.RequestUri} with an empty body");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();

    [GeneratedRegex("""href\s*=\s*["'](?<url>[^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex HrefPattern();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex("""https?://[^\s<>"']+""", RegexOptions.IgnoreCase)]
    private static partial Regex BareUrl();
}
