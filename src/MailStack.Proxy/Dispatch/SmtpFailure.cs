using MailKit.Net.Smtp;
using MailKit.Security;

namespace MailStack.Proxy.Dispatch;

/// <summary>Why a send or connection failed, and whether retrying can help.</summary>
public sealed record SmtpFailure(string Reason, bool Permanent)
{
    /// <summary>SMTP reply 5xx, failed login and TLS failures are permanent; 4xx, network errors and timeouts are retried; cancellation is not an outcome (null).</summary>
    public static SmtpFailure? Classify(Exception ex) => ex switch
    {
        SmtpCommandException command => new($"{command.Message} (SMTP {(int)command.StatusCode})", (int)command.StatusCode >= 500),
        AuthenticationException auth => new($"{auth.Message} (SMTP 535)", true),
        SslHandshakeException tls => new($"TLS failed: {tls.Message}", true),
        OperationCanceledException => null,
        // Network errors, timeouts, protocol surprises and anything unforeseen: retried with backoff, so it ends as error at worst.
        _ => new(ex.Message, false),
    };
}
