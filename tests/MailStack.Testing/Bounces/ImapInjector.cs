using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace MailStack.Testing.Bounces;

/// <summary>
/// A MailKit IMAP connection to a mailbox (e.g. the bounce mailbox) for tests: puts messages in
/// with APPEND and looks at what is there.
/// <code>
/// await using var imap = await ImapInjector.ConnectAsync(host, port, "bounces@mailstack.test", password);
/// await imap.AppendAsync(BounceReportBuilder.Hard("x@example.test").WithTrackingId(id).Build());
/// </code>
/// </summary>
public sealed class ImapInjector : IAsyncDisposable
{
    private ImapInjector(ImapClient client) => Client = client;

    /// <summary>The underlying client, for anything else (folders, flags, MOVE…).</summary>
    public ImapClient Client { get; }

    public static async Task<ImapInjector> ConnectAsync(string host, int port, string user, string password,
        SecureSocketOptions security = SecureSocketOptions.None, CancellationToken cancellationToken = default)
    {
        var client = new ImapClient { Timeout = 15_000 };
        try
        {
            await client.ConnectAsync(host, port, security, cancellationToken);
            await client.AuthenticateAsync(user, password, cancellationToken);
            return new ImapInjector(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>APPENDs one message; returns its UID (Dovecot reports it through UIDPLUS).</summary>
    public async Task<UniqueId?> AppendAsync(MimeMessage message, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        var target = await Client.GetFolderAsync(folder, cancellationToken);
        return await target.AppendAsync(new AppendRequest(message, MessageFlags.None), cancellationToken);
    }

    /// <summary>APPENDs several messages in one go (MULTIAPPEND when the server offers it).</summary>
    public async Task<IList<UniqueId>> AppendAsync(IReadOnlyList<MimeMessage> messages, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        var target = await Client.GetFolderAsync(folder, cancellationToken);
        return await target.AppendAsync([.. messages.Select(m => (IAppendRequest)new AppendRequest(m, MessageFlags.None))], cancellationToken);
    }

    /// <summary>How many messages <paramref name="folder"/> holds now.</summary>
    public async Task<int> CountAsync(string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        var status = await Client.GetFolderAsync(folder, cancellationToken);
        await status.StatusAsync(StatusItems.Count, cancellationToken);
        return status.Count;
    }

    /// <summary>
    /// The messages whose header or body contains <paramref name="text"/> (IMAP SEARCH TEXT) — e.g. a
    /// unique address or tracking id; empty when none (yet).
    /// </summary>
    public async Task<IReadOnlyList<MimeMessage>> FindAsync(string text, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        var target = await Client.GetFolderAsync(folder, cancellationToken);
        if (!target.IsOpen)
        {
            await target.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        }
        else
        {
            await Client.NoOpAsync(cancellationToken); // see messages appended since the folder was opened
        }

        var found = new List<MimeMessage>();
        foreach (var uid in await target.SearchAsync(SearchQuery.MessageContains(text), cancellationToken))
        {
            try
            {
                found.Add(await target.GetMessageAsync(uid, cancellationToken));
            }
            catch (Exception ex) when (ex is MessageNotFoundException or FormatException)
            {
                // Moved or deleted between SEARCH and FETCH (a bounce receiver at work; Dovecot then
                // sends an empty body): not there any more, unless it still is.
                await Client.NoOpAsync(cancellationToken);
                if ((await target.SearchAsync(SearchQuery.Uids([uid]), cancellationToken)).Count > 0)
                {
                    throw;
                }
            }
        }

        return found;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Client.IsConnected)
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Client.DisconnectAsync(quit: true, quick.Token);
            }
        }
        finally
        {
            Client.Dispose();
        }
    }
}
