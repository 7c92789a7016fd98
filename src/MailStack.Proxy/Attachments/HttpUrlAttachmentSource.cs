using MailStack.Proxy.Model;

namespace MailStack.Proxy.Attachments;

/// <summary><c>http_url</c>: GET the storage path, with the attachment's own <c>auth</c> when it has one.</summary>
public sealed class HttpUrlAttachmentSource(IHttpClientFactory httpFactory) : IAttachmentSource
{
    public FetchMode Mode => FetchMode.HttpUrl;

    public Task<Stream> OpenAsync(MessageAttachment attachment, AttachmentTenant tenant, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(attachment.StoragePath, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new AttachmentFetchException(attachment.FileName, $"invalid URL '{attachment.StoragePath}'");
        }

        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = attachment.Auth?.ToAuthorizationHeader();
        return AttachmentHttp.SendAsync(httpFactory, request, attachment.FileName, cancellationToken);
    }
}
