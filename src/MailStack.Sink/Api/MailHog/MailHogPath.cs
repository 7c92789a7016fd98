namespace MailStack.Sink.Api.MailHog;

/// <summary>MailHog's <c>data.Path</c>: an SMTP path split at its first '@' (<c>Relays</c> is null without source routes).</summary>
internal sealed record MailHogPath(IReadOnlyList<string>? Relays, string Mailbox, string Domain, string Params)
{
    public static MailHogPath Parse(string path)
    {
        IReadOnlyList<string>? relays = null;
        var email = path;
        var colon = path.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            relays = path[..colon].Split(',');
            email = path[(colon + 1)..];
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? new(relays, email, "", "") : new(relays, email[..at], email[(at + 1)..], "");
    }
}
