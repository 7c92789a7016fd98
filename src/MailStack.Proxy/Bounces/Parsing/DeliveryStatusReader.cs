using MimeKit;

namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>
/// Reads the fields of an RFC 3464 <c>message/delivery-status</c> part through MimeKit: the
/// per-message <c>Original-Envelope-Id</c>, and per recipient <c>Final-Recipient</c>, <c>Action</c>,
/// <c>Status</c> and <c>Diagnostic-Code</c>, classified by RFC 3463.
/// </summary>
internal static class DeliveryStatusReader
{
    /// <summary>Recipients read from one report at most (a hostile report may list thousands).</summary>
    private const int MaxRecipients = 1000;

    private static readonly char[] ActionEnd = [' ', '\t', '(', ';'];

    /// <param name="RecipientGroups">How many per-recipient groups the part held (0: nothing readable).</param>
    public sealed record Result(string? EnvelopeId, int RecipientGroups, IReadOnlyList<RecipientBounce> Failed);

    public static Result Read(MimeEntity part)
    {
        string? envelopeId = null;
        var groups = 0;
        var failed = new List<RecipientBounce>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var fields in Groups(part))
        {
            envelopeId ??= Trimmed(fields["Original-Envelope-Id"]);
            if (!IsRecipientGroup(fields))
            {
                continue;
            }

            if (++groups > MaxRecipients)
            {
                break;
            }

            if (Recipient(fields) is { } bounce && seen.Add(bounce.Recipient))
            {
                failed.Add(bounce);
            }
        }

        return new Result(envelopeId, groups, failed);
    }

    private static IEnumerable<HeaderList> Groups(MimeEntity part)
    {
        var status = part as MessageDeliveryStatus
            // genro's text/delivery-status (and the like): the same fields, read the same way.
            ?? new MessageDeliveryStatus { Content = ((MimePart)part).Content };
        try
        {
            return status.StatusGroups;
        }
        catch (FormatException)
        {
            return []; // unreadable fields: the report is read as a non-standard bounce instead
        }
    }

    private static bool IsRecipientGroup(HeaderList fields) =>
        fields.Contains("Final-Recipient") || fields.Contains("Original-Recipient") || fields.Contains("Action") || fields.Contains("Status");

    /// <summary>The bounce of one recipient group, or null when that recipient did not fail.</summary>
    private static RecipientBounce? Recipient(HeaderList fields)
    {
        var action = Trimmed(fields["Action"])?.Split(ActionEnd, 2)[0].ToLowerInvariant();
        if (action is "delivered" or "relayed" or "expanded")
        {
            return null;
        }

        var statusText = Trimmed(fields["Status"]);
        var status = EnhancedStatusCode.ParseStatus(statusText) is { IsFailure: true } failure ? failure : (EnhancedStatusCode?)null;
        var diagnostic = DiagnosticText(fields["Diagnostic-Code"]);
        var reply = SmtpReplyCode.Find(diagnostic);
        var delayed = action == "delayed";
        // An unknown or missing Action is a failure only when a code says so.
        if (action is not ("failed" or "delayed") && status is null && reply is null)
        {
            return null;
        }

        var type = status is not null
            ? BounceClassification.Classify(status, null, delayed)
            : BounceClassification.Classify(reply?.Enhanced, reply?.Basic, delayed);
        var code = status?.ToCode() ?? reply?.Code ?? "";
        var reason = diagnostic ?? string.Join(' ', new[] { action, statusText }.Where(part => part is not null));
        return new RecipientBounce(Address(fields["Final-Recipient"]) ?? Address(fields["Original-Recipient"]) ?? "", type, code, BounceText.Reason(reason));
    }

    /// <summary><c>rfc822; user@example.test</c> → <c>user@example.test</c>.</summary>
    private static string? Address(string? field)
    {
        if (Trimmed(field) is not { } value)
        {
            return null;
        }

        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var address = (semicolon >= 0 ? value[(semicolon + 1)..] : value).Trim().Trim('<', '>').Trim();
        return address.Length > 0 ? address : null;
    }

    /// <summary><c>smtp; 550 5.1.1 user unknown</c> → <c>550 5.1.1 user unknown</c>.</summary>
    private static string? DiagnosticText(string? field)
    {
        if (Trimmed(field) is not { } value)
        {
            return null;
        }

        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var text = semicolon >= 0 ? value[(semicolon + 1)..].Trim() : value;
        return text.Length > 0 ? text : null;
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
