namespace MailStack.Proxy.Model;

/// <summary>The item's <c>content_type</c>: the <c>body</c> is plain text (default) or HTML.</summary>
public enum BodyFormat
{
    Plain,
    Html,
}
