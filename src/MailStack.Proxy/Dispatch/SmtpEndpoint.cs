using MailKit.Security;
using MailStack.Proxy.Model;

namespace MailStack.Proxy.Dispatch;

/// <summary>Where and how one account's mail is sent; equal endpoints share pooled connections.</summary>
public sealed record SmtpEndpoint(string Host, int Port, SecureSocketOptions Tls, string? User, string? Password)
{
    /// <summary>use_tls unset: TLS only on 465. On 465 TLS is implicit, elsewhere STARTTLS; false is plain.</summary>
    public static SecureSocketOptions TlsFor(int port, bool? useTls) =>
        (useTls ?? port == 465) ? (port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls) : SecureSocketOptions.None;

    public static SmtpEndpoint Of(SmtpAccount account) =>
        new(account.Host, account.Port, TlsFor(account.Port, account.UseTls), account.User, account.Password);

    public override string ToString() => $"{Host}:{Port}";
}
