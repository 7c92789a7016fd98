using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.Telemetry;
using MimeKit;

namespace MailStack.Proxy.Bounces;

/// <summary>
/// One connection to the bounce mailbox: opens the folder, resumes after the stored position
/// (from the start when UIDVALIDITY changed), handles every report after it in UID order — each
/// moved to Processed or Unrecognized (or deleted) once recorded — and then waits for more with
/// IDLE when the server offers it, else for the poll interval. Returns when the settings stored
/// for the instance change or the folder was replaced; throws when the server or the database goes away.
/// </summary>
internal sealed partial class BounceMailboxSession(BounceSettings settings, BounceReceiverLease lease, BounceReportHandler handler, InstanceStore instance,
    BounceReceiverOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>An IDLE is renewed at least this often (servers drop one after 30 minutes).</summary>
    private static readonly TimeSpan MaxIdle = TimeSpan.FromMinutes(9);

    private readonly string _mailbox = settings.MailboxKey;
    private int _changes;
    private CancellationTokenSource? _idleDone;

    public async Task RunAsync(Action connected, CancellationToken cancellationToken)
    {
        using var client = new ImapClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        client.ServerCertificateValidationCallback = (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || options.AllowUntrustedCertificates;
        await client.ConnectAsync(settings.Host!, settings.Port, settings.Ssl ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.None, cancellationToken);
        if (settings.User is { Length: > 0 } user)
        {
            await client.AuthenticateAsync(user, settings.Password ?? "", cancellationToken);
        }

        var inbox = string.Equals(settings.Folder, "INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(settings.Folder, cancellationToken);
        var processed = settings.DeleteProcessed ? null : await FolderAsync(client, options.ProcessedFolder, cancellationToken);
        var unrecognized = await FolderAsync(client, options.UnrecognizedFolder, cancellationToken);
        inbox.CountChanged += OnCountChanged;
        await inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        var idle = client.Capabilities.HasFlag(ImapCapabilities.Idle);
        connected();
        LogConnected(settings.ToString(), idle ? "IDLE" : $"polling every {settings.PollInterval.TotalSeconds:0} s", inbox.Count);

        var (position, _) = await ProxyTelemetry.LookQuietlyAsync(() => PositionAsync(inbox, cancellationToken));
        // Handled before a restart but still here (the move did not happen): recorded again, which changes nothing.
        position = (await PassAsync(client, inbox, processed, unrecognized, position, replay: true, cancellationToken)).Position;
        while (true)
        {
            var changesBefore = Volatile.Read(ref _changes);
            var (next, held) = await PassAsync(client, inbox, processed, unrecognized, position, replay: false, cancellationToken);
            position = next;
            if (Volatile.Read(ref _changes) != changesBefore && !held)
            {
                continue; // more arrived (or our own moves changed the count) while handling
            }

            var wait = held ? options.HeldRetryInterval : settings.PollInterval;
            if (idle && !held)
            {
                await IdleAsync(client, changesBefore, wait < MaxIdle ? wait : MaxIdle, cancellationToken);
            }
            else
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            var (current, _) = await ProxyTelemetry.LookQuietlyAsync(() => instance.BounceSettingsAsync(cancellationToken));
            if (current != settings)
            {
                LogSettingsChanged();
                return;
            }

            if (Volatile.Read(ref _changes) == changesBefore && await ReplacedAsync(inbox, position, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Selects the folder again after a wait (IDLE or poll) that saw no change: a folder deleted and
    /// created again under this session shows its new UIDVALIDITY then. Dovecot does not always
    /// end the session when that happens: it may go on answering IDLE with "NO Internal error" and
    /// every SEARCH with nothing, so the new folder's reports would never be read.
    /// </summary>
    /// <returns>Whether the folder was replaced (the session ends, and the next reads it from the start).</returns>
    private async Task<bool> ReplacedAsync(IMailFolder inbox, MailboxPosition position, CancellationToken cancellationToken)
    {
        await ProxyTelemetry.LookQuietlyAsync(() => inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken));
        if (inbox.UidValidity == position.UidValidity)
        {
            return false;
        }

        LogFolderReplaced(_mailbox, position.UidValidity, inbox.UidValidity);
        return true;
    }

    /// <summary>The stored position in this mailbox; a new UIDVALIDITY (the folder was recreated) starts over.</summary>
    private async Task<MailboxPosition> PositionAsync(IMailFolder inbox, CancellationToken cancellationToken)
    {
        var stored = await lease.PositionAsync(_mailbox, cancellationToken);
        if (stored is { } known && known.UidValidity == inbox.UidValidity)
        {
            return known;
        }

        if (stored is { UidValidity: { } old })
        {
            LogUidValidityChanged(_mailbox, old, inbox.UidValidity);
        }

        var start = MailboxPosition.Start(inbox.UidValidity);
        await lease.SavePositionAsync(_mailbox, start, time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken);
        return start;
    }

    /// <summary>
    /// Handles the reports after <paramref name="position"/> (with <paramref name="replay"/>, those up
    /// to it) in UID order. A held report stops the position from moving past it.
    /// </summary>
    private async Task<(MailboxPosition Position, bool Held)> PassAsync(ImapClient client, IMailFolder inbox, IMailFolder? processed, IMailFolder unrecognized,
        MailboxPosition position, bool replay, CancellationToken cancellationToken)
    {
        var range = replay
            ? new UniqueIdRange(new UniqueId(inbox.UidValidity, 1), new UniqueId(inbox.UidValidity, (uint)Math.Max(1, position.LastUid)))
            : new UniqueIdRange(new UniqueId(inbox.UidValidity, (uint)(position.LastUid + 1)), UniqueId.MaxValue);
        if (replay && position.LastUid == 0)
        {
            return (position, false);
        }

        // An idle look leaves no trace: only a report handled becomes one.
        var (found, _) = await ProxyTelemetry.LookQuietlyAsync(() => inbox.SearchAsync(SearchQuery.Uids(range), cancellationToken));
        // "n:*" also matches the last message when every UID is below n.
        var uids = found.Where(u => replay ? u.Id <= position.LastUid : u.Id > position.LastUid).OrderBy(u => u.Id).ToList();
        if (uids.Count == 0)
        {
            return (position, false);
        }

        var sizes = (await inbox.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken))
            .ToDictionary(s => s.UniqueId.Id, s => (long?)s.Size);
        var held = false;
        foreach (var uid in uids)
        {
            var next = held || replay ? position : new MailboxPosition(inbox.UidValidity, uid.Id);
            var disposition = await HandleOneAsync(inbox, uid, sizes.GetValueOrDefault(uid.Id), next, replay, cancellationToken);
            if (disposition == BounceDisposition.Held)
            {
                held = true;
                continue;
            }

            await PutAwayAsync(client, inbox, uid, disposition == BounceDisposition.Processed ? processed : unrecognized, cancellationToken);
            position = next;
        }

        return (position, held);
    }

    private async Task<BounceDisposition> HandleOneAsync(IMailFolder inbox, UniqueId uid, long? size, MailboxPosition next, bool replay, CancellationToken cancellationToken)
    {
        using var activity = ProxyTelemetry.Source.StartActivity("bounce report", ActivityKind.Consumer, parentContext: default);
        activity?.SetTag("mailstack.bounce.uid", uid.Id);
        activity?.SetTag("mailstack.bounce.mailbox", settings.ToString());
        activity?.SetTag("mailstack.bounce.size", size);
        BounceDisposition disposition;
        if (size > options.MaxReportBytes)
        {
            disposition = await handler.UnreadableAsync(uid.Id, $"{size} bytes, over the {options.MaxReportBytes} byte limit", lease, _mailbox, next, replay, cancellationToken);
        }
        else
        {
            MimeMessage? report = null;
            string? unreadable = null;
            try
            {
                report = await inbox.GetMessageAsync(uid, cancellationToken);
            }
            catch (Exception ex) when (ex is FormatException or ParseException)
            {
                unreadable = $"its MIME does not parse: {ex.Message}";
            }
            catch (MessageNotFoundException)
            {
                return BounceDisposition.Held; // taken away meanwhile by someone else; the next pass will not find it
            }

            disposition = report is null
                ? await handler.UnreadableAsync(uid.Id, unreadable!, lease, _mailbox, next, replay, cancellationToken)
                : await handler.HandleAsync(report, uid.Id, lease, _mailbox, next, replay, cancellationToken);
        }

        activity?.SetTag("mailstack.bounce.disposition", disposition.ToString());
        return disposition;
    }

    /// <summary>Moves the report to <paramref name="folder"/>, or deletes it when there is none (the instance deletes processed reports).</summary>
    private static async Task PutAwayAsync(ImapClient client, IMailFolder inbox, UniqueId uid, IMailFolder? folder, CancellationToken cancellationToken)
    {
        if (folder is not null)
        {
            await inbox.MoveToAsync(uid, folder, cancellationToken);
            return;
        }

        await inbox.AddFlagsAsync(uid, MessageFlags.Deleted, silent: true, cancellationToken);
        if (client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
        {
            await inbox.ExpungeAsync([uid], cancellationToken);
        }
        else
        {
            await inbox.ExpungeAsync(cancellationToken);
        }
    }

    /// <summary>IDLE until the mailbox changes or <paramref name="timeout"/> passes; nothing if a change came before it began.</summary>
    private async Task IdleAsync(ImapClient client, int changesBefore, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var done = new CancellationTokenSource(timeout, time);
        Volatile.Write(ref _idleDone, done);
        try
        {
            if (Volatile.Read(ref _changes) == changesBefore)
            {
                await client.IdleAsync(done.Token, cancellationToken);
            }
        }
        finally
        {
            Volatile.Write(ref _idleDone, null);
        }
    }

    private void OnCountChanged(object? sender, EventArgs e)
    {
        Interlocked.Increment(ref _changes);
        Volatile.Read(ref _idleDone)?.Cancel();
    }

    /// <summary>A folder beside the inbox, created when missing.</summary>
    private static async Task<IMailFolder> FolderAsync(ImapClient client, string name, CancellationToken cancellationToken)
    {
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        try
        {
            return await root.GetSubfolderAsync(name, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            return await root.CreateAsync(name, isMessageFolder: true, cancellationToken)
                ?? throw new InvalidOperationException($"the IMAP server did not create the folder {name}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bounce receiver connected to {Mailbox} ({Mode}); {Count} message(s) in the folder")]
    private partial void LogConnected(string mailbox, string mode, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "UIDVALIDITY of {Mailbox} changed from {Old} to {New}: the folder is read again from the start")]
    private partial void LogUidValidityChanged(string mailbox, long old, uint @new);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Mailbox} was replaced while open (UIDVALIDITY {Old}, now {New}): reconnecting")]
    private partial void LogFolderReplaced(string mailbox, long? old, uint @new);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bounce settings changed: reconnecting")]
    private partial void LogSettingsChanged();
}
