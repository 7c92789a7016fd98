using MailStack.Proxy.Model;

namespace MailStack.Proxy.Attachments;

/// <summary>
/// Fetches a message's attachments and applies its tenant's large-file policy: <c>reject</c> fails the
/// message, <c>warn</c> sends with a warning, <c>rewrite</c> uploads to the object store and sends a
/// link instead (an upload failure sends the file inline, with a warning).
/// </summary>
public sealed class AttachmentPreparer(AttachmentFetcher fetcher, AttachmentObjectStore objectStore, AttachmentMetrics metrics, ILogger<AttachmentPreparer> logger)
{
    public async Task<PreparedAttachments> PrepareAsync(IReadOnlyList<MessageAttachment> attachments, AttachmentTenant tenant, CancellationToken cancellationToken)
    {
        if (attachments.Count == 0)
        {
            return PreparedAttachments.None;
        }

        var policy = tenant.LargeFiles;
        var fetched = await fetcher.FetchAllAsync(attachments, tenant, cancellationToken);
        var inline = new List<FetchedAttachment>();
        var links = new List<DownloadLink>();
        var warnings = new List<string>();
        try
        {
            foreach (var attachment in fetched)
            {
                var fileName = attachment.Attachment.FileName;
                var length = attachment.Content.Length;
                switch (policy.Apply(length))
                {
                    case LargeFileAction.Reject:
                        throw new AttachmentRejectedException(policy.Exceeds(fileName, length));
                    case LargeFileAction.Warn:
                        warnings.Add($"{policy.Exceeds(fileName, length)}: sent anyway");
                        inline.Add(attachment);
                        break;
                    case LargeFileAction.Rewrite:
                        try
                        {
                            links.Add(await objectStore.UploadAsync(tenant.Id, fileName, attachment.Attachment.MimeType, attachment.Content, policy, cancellationToken));
                            metrics.Uploaded("ok");
                            await attachment.DisposeAsync();
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                        {
                            logger.LogWarning(ex, "Uploading {FileName} of tenant {Tenant} to the object store failed; attaching it", fileName, tenant.Id);
                            metrics.Uploaded("failed");
                            warnings.Add($"{policy.Exceeds(fileName, length)}: upload to the object store failed ({ex.Message}), attached instead");
                            inline.Add(attachment);
                        }

                        break;
                    default:
                        inline.Add(attachment);
                        break;
                }
            }
        }
        catch
        {
            foreach (var attachment in fetched)
            {
                await attachment.DisposeAsync();
            }

            throw;
        }

        return new PreparedAttachments(inline, links, warnings);
    }
}
