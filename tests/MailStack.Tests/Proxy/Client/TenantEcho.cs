namespace MailStack.Tests.Proxy.Client;

/// <summary>A tenant's echo server as the tests use it: what the proxy posted, and the replies it gets.</summary>
public sealed class TenantEcho(HttpClient http) : IDisposable
{
    public Uri BaseAddress => http.BaseAddress!;

    /// <summary>Every request recorded on <paramref name="path"/>, in arrival order.</summary>
    public async Task<IReadOnlyList<EchoRequest>> RequestsAsync(string path, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<EchoRequestList>($"/requests?path={Uri.EscapeDataString(path)}", cancellationToken))!.Requests;

    /// <summary>Every delivery report posted to <paramref name="path"/>, in arrival order.</summary>
    public async Task<List<IReadOnlyList<DeliveryReportItem>>> ReportsAsync(string path, CancellationToken cancellationToken) =>
        [.. (await RequestsAsync(path, cancellationToken)).Select(r => r.Report)];

    /// <summary>Programs the reply to requests on <paramref name="path"/> (the next <paramref name="times"/> only, if given), after <paramref name="delay"/>.</summary>
    public async Task SetReplyAsync(string path, int status, object? body, int? times, CancellationToken cancellationToken, TimeSpan delay = default)
    {
        using var set = await http.PutAsJsonAsync("/replies", new { Path = path, Status = status, Body = body, Times = times, DelayMilliseconds = (int)delay.TotalMilliseconds }, cancellationToken);
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync(cancellationToken));
    }

    public void Dispose() => http.Dispose();
}
