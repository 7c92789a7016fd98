using System.Net.Http.Json;
using MailStack.Proxy.Model;

namespace MailStack.Proxy.Attachments;

/// <summary><c>endpoint</c>: POST <c>{"storage_path": …}</c> to the tenant's attachment endpoint with its <c>client_auth</c>.</summary>
public sealed class EndpointAttachmentSource(IHttpClientFactory httpFactory) : IAttachmentSource
{
    public FetchMode Mode => FetchMode.Endpoint;

    public Task<Stream> OpenAsync(MessageAttachment attachment, AttachmentTenant tenant, CancellationToken cancellationToken)
    {
        var endpoint = $"{tenant.ClientBaseUrl?.TrimEnd('/')}{tenant.ClientAttachmentPath}";
        if (string.IsNullOrEmpty(tenant.ClientBaseUrl) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var url))
        {
            throw new AttachmentFetchException(attachment.FileName, $"tenant '{tenant.Id}' has no valid client_base_url for its attachment endpoint");
        }

        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["storage_path"] = attachment.StoragePath }),
        };
        request.Headers.Authorization = tenant.ClientAuth?.ToAuthorizationHeader();
        return AttachmentHttp.SendAsync(httpFactory, request, attachment.FileName, cancellationToken);
    }
}
