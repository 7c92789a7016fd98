namespace MailStack.Proxy.Attachments;

/// <summary>A large attachment replaced by a link to its copy in the object store.</summary>
public sealed record DownloadLink(string FileName, long Length, Uri Url, int ValidDays);
