using MailKit.Net.Smtp;
using MailKit.Security;
using MailStack.Sink.Client;
using MailStack.Sink.Hosting;
using MimeKit;
using Xunit;

namespace MailStack.Testing;

/// <summary>Shared pieces of the sink tests: in-process sinks, clients and messages.</summary>
public static class SinkTestKit
{
    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static Task<MailSink> StartSinkAsync(Action<MailSinkOptions>? configure = null)
    {
        var options = new MailSinkOptions();
        configure?.Invoke(options);
        return MailSink.StartAsync(options, Cancellation);
    }

    public static MailSinkClient ClientFor(MailSink sink) => new(sink.ApiUri);

    public static MimeMessage NewMessage(string to, string subject, string body = "Hello from the test", string from = "sender@example.test")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    /// <summary>A MailKit client connected to the sink; trusts its self-signed certificate.</summary>
    public static async Task<SmtpClient> ConnectAsync(MailSink sink, SecureSocketOptions security = SecureSocketOptions.None, int? port = null)
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = TrustOnly(sink), Timeout = 15_000 };
        await client.ConnectAsync(sink.Host, port ?? sink.SmtpPort, security, Cancellation);
        return client;
    }

    /// <summary>Accepts exactly the sink's own self-signed certificate.</summary>
    public static System.Net.Security.RemoteCertificateValidationCallback TrustOnly(MailSink sink) =>
        (_, certificate, _, _) => certificate is not null && sink.Certificate is { } expected
            && certificate.GetCertHashString() == expected.GetCertHashString();

    public static async Task<string> SendAsync(MailSink sink, MimeMessage message, SecureSocketOptions security = SecureSocketOptions.None, (string User, string Password)? credentials = null)
    {
        using var client = await ConnectAsync(sink, security);
        if (credentials is { } c)
        {
            await client.AuthenticateAsync(c.User, c.Password, Cancellation);
        }

        var reply = await client.SendAsync(message, Cancellation);
        await client.DisconnectAsync(quit: true, Cancellation);
        return reply;
    }
}

