namespace MailStack.Sink.Api.MailHog;

/// <summary>MailHog's <c>data.MIMEBody</c>.</summary>
internal sealed record MailHogMime(IReadOnlyList<MailHogContent> Parts);
