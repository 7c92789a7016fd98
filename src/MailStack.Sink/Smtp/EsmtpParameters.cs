using MailStack.Sink.Storage;

namespace MailStack.Sink.Smtp;

/// <summary>
/// The ESMTP parameters of MAIL FROM (SIZE, BODY, SMTPUTF8, AUTH, and RFC 3461's RET and ENVID) and
/// RCPT TO (RFC 3461's NOTIFY and ORCPT). A malformed or repeated one is a 501, an unknown one a
/// 555 (as Postfix answers). Each method returns the error reply, or null.
/// </summary>
internal static class EsmtpParameters
{
    /// <summary>RFC 3461 §4.4: at most 100 characters.</summary>
    private const int MaxEnvelopeIdLength = 100;

    /// <summary>RFC 3461 §4.2: at most 500 characters.</summary>
    private const int MaxOriginalRecipientLength = 500;

    public static string? ParseMail(IEnumerable<string> parameters, long maxMessageSize, out DsnReturn? ret, out string? envelopeId)
    {
        ret = null;
        envelopeId = null;
        foreach (var parameter in parameters)
        {
            var (keyword, value) = Split(parameter);
            switch (keyword)
            {
                case "SIZE":
                    if (long.TryParse(value, out var declared) && declared > maxMessageSize)
                    {
                        return "552 5.3.4 Error: message size exceeds fixed maximum message size";
                    }

                    break;
                case "BODY" or "SMTPUTF8" or "AUTH":
                    break;
                case "RET":
                    ret = ret is null ? value?.ToUpperInvariant() switch
                    {
                        "FULL" => DsnReturn.Full,
                        "HDRS" => DsnReturn.Headers,
                        _ => null,
                    } : null;
                    if (ret is null)
                    {
                        return "501 5.5.4 Error: Bad RET parameter syntax";
                    }

                    break;
                case "ENVID":
                    if (envelopeId is not null || value is not { Length: > 0 and <= MaxEnvelopeIdLength }
                        || !Xtext.TryDecode(value, out var decoded))
                    {
                        return "501 5.5.4 Error: Bad ENVID parameter syntax";
                    }

                    envelopeId = decoded;
                    break;
                default:
                    return $"555 5.5.4 Unsupported option: {parameter}";
            }
        }

        return null;
    }

    public static string? ParseRcpt(string address, IEnumerable<string> parameters, out RecipientDsn dsn)
    {
        DsnNotify? notify = null;
        string? original = null;
        dsn = new RecipientDsn(address, null, null);
        foreach (var parameter in parameters)
        {
            var (keyword, value) = Split(parameter);
            switch (keyword)
            {
                case "NOTIFY":
                    if (notify is not null || ParseNotify(value) is not { } parsed)
                    {
                        return "501 5.5.4 Error: Bad NOTIFY parameter syntax";
                    }

                    notify = parsed;
                    break;
                case "ORCPT":
                    if (original is not null || ParseOriginalRecipient(value) is not { } parsedOriginal)
                    {
                        return "501 5.5.4 Error: Bad ORCPT parameter syntax";
                    }

                    original = parsedOriginal;
                    break;
                default:
                    return $"555 5.5.4 Unsupported option: {parameter}";
            }
        }

        dsn = new RecipientDsn(address, notify, original);
        return null;
    }

    /// <summary><c>NEVER</c>, or a comma list of <c>SUCCESS</c>, <c>FAILURE</c>, <c>DELAY</c>.</summary>
    private static DsnNotify? ParseNotify(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var keywords = value.ToUpperInvariant().Split(',');
        if (keywords is ["NEVER"])
        {
            return DsnNotify.Never;
        }

        var notify = DsnNotify.None;
        foreach (var keyword in keywords)
        {
            var flag = keyword switch
            {
                "SUCCESS" => DsnNotify.Success,
                "FAILURE" => DsnNotify.Failure,
                "DELAY" => DsnNotify.Delay,
                _ => DsnNotify.None,
            };
            if (flag == DsnNotify.None || notify.HasFlag(flag))
            {
                return null;
            }

            notify |= flag;
        }

        return notify;
    }

    /// <summary><c>addr-type;xtext</c> → <c>addr-type;decoded</c>.</summary>
    private static string? ParseOriginalRecipient(string? value)
    {
        if (value is not { Length: > 0 and <= MaxOriginalRecipientLength })
        {
            return null;
        }

        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        if (semicolon <= 0 || semicolon == value.Length - 1
            || !value[..semicolon].All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            || !Xtext.TryDecode(value[(semicolon + 1)..], out var address))
        {
            return null;
        }

        return $"{value[..semicolon]};{address}";
    }

    private static (string Keyword, string? Value) Split(string parameter)
    {
        var equals = parameter.IndexOf('=', StringComparison.Ordinal);
        return equals < 0
            ? (parameter.ToUpperInvariant(), null)
            : (parameter[..equals].ToUpperInvariant(), parameter[(equals + 1)..]);
    }
}
