using MailStack.Proxy.Model;

namespace MailStack.Proxy.Attachments;

/// <summary>What attachment handling needs of a message's tenant: its endpoint, credentials and large-file policy.</summary>
public sealed record AttachmentTenant(string Id, string? ClientBaseUrl, string ClientAttachmentPath, ClientAuth? ClientAuth, LargeFileConfig? LargeFiles);
