using MimeKit;

namespace MailStack.Sink.Bounces;

/// <summary>Delivers a report to the envelope sender of the bounced message.</summary>
public interface IBounceRoute : IAsyncDisposable
{
    /// <summary>For logs, e.g. "IMAP 127.0.0.1:143/INBOX".</summary>
    string Name { get; }

    Task DeliverAsync(MimeMessage report, string recipient, CancellationToken cancellationToken);

    /// <summary>Nothing more to send for now: drop any open connection (a failed one too).</summary>
    Task CloseAsync();
}
