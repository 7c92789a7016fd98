namespace MailStack.Sink.Client;

/// <summary>Mailpit's link-check summary: how many links failed (status 0 or ≥ 400) and each link's status.</summary>
public sealed record LinkCheckResponse(int Errors, IReadOnlyList<LinkStatus> Links);
