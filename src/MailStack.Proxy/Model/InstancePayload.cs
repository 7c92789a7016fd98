using MimeKit;

namespace MailStack.Proxy.Model;

/// <summary>
/// PUT /instance: every field optional; as in genro v0.6.9 a field that is absent or <c>null</c>
/// keeps its value. An empty string clears the host, user, password or return path.
/// </summary>
public sealed record InstancePayload(
    string? Name,
    string? ApiToken,
    bool? BounceEnabled,
    string? BounceImapHost,
    int? BounceImapPort,
    string? BounceImapUser,
    string? BounceImapPassword,
    string? BounceImapFolder,
    bool? BounceImapSsl,
    int? BouncePollInterval,
    string? BounceReturnPath,
    bool? BounceDeleteProcessed)
{
    /// <summary>Longest poll interval accepted: a day.</summary>
    public const int MaxPollIntervalSeconds = 86_400;

    public ValidationError? Validate()
    {
        if (ApiToken is not null)
        {
            return new ValidationError(["body", "api_token"], "the admin token is set by configuration (Proxy:AdminToken), not through the API", "value_error.not_supported");
        }

        if (Name is { Length: 0 })
        {
            return new ValidationError(["body", "name"], "must not be empty", "value_error.any_str.min_length");
        }

        if (BounceImapPort is < 1 or > 65535)
        {
            return new ValidationError(["body", "bounce_imap_port"], "port must be an integer from 1 to 65535", "value_error.port");
        }

        if (BouncePollInterval is < 1 or > MaxPollIntervalSeconds)
        {
            return new ValidationError(["body", "bounce_poll_interval"], $"must be from 1 to {MaxPollIntervalSeconds} seconds", "value_error.number.not_in_range");
        }

        if (BounceImapFolder is { } folder && string.IsNullOrWhiteSpace(folder))
        {
            return new ValidationError(["body", "bounce_imap_folder"], "must not be empty", "value_error.any_str.min_length");
        }

        if (BounceImapHost is { Length: > 0 } host && Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            return new ValidationError(["body", "bounce_imap_host"], $"invalid host name: {host}", "value_error.host");
        }

        return BounceReturnPath is { Length: > 0 } returnPath && !(MailboxAddress.TryParse(returnPath, out var address) && address.Address.Contains('@', StringComparison.Ordinal))
            ? new ValidationError(["body", "bounce_return_path"], $"invalid address: {returnPath}", "value_error.email")
            : null;
    }
}
