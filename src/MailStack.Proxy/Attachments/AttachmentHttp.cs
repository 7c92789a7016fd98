namespace MailStack.Proxy.Attachments;

/// <summary>The HTTP client the URL and endpoint sources share: no retries (one fetch is one request), the fetcher's timeout.</summary>
internal static class AttachmentHttp
{
    public const string ClientName = "attachments";

    public static async Task<Stream> SendAsync(IHttpClientFactory httpFactory, HttpRequestMessage request, string fileName, CancellationToken cancellationToken)
    {
        var http = httpFactory.CreateClient(ClientName);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new AttachmentFetchException(fileName, ex.Message);
        }
        finally
        {
            request.Dispose();
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            var reason = response.ReasonPhrase;
            response.Dispose();
            throw new AttachmentFetchException(fileName, $"HTTP {status}{(string.IsNullOrEmpty(reason) ? "" : $" {reason}")} from {request.RequestUri}");
        }

        return await response.Content.ReadAsStreamAsync(cancellationToken);
    }
}
