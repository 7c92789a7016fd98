using MailStack.Sink.Hosting;
using Microsoft.Extensions.Options;

namespace MailStack.Sink.Storage;

/// <summary>
/// The IMAP view of the <see cref="MessageStore"/>: one account per recipient address (INBOX holds
/// what was delivered to it, Bcc included), folders with UIDs and flags, and a change signal per
/// folder. It follows the store's events, so a message deleted through the API leaves every folder;
/// a message expunged from the last folder that held it leaves the store. One lock guards it all.
/// </summary>
public sealed class MailboxDirectory : IDisposable
{
    private const char Delimiter = '/';

    private readonly object _gate = new();
    private readonly MessageStore _store;
    private readonly TimeProvider _time;
    private readonly string? _catchAllUser;
    private readonly Dictionary<string, MailAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<Location>> _locations = new(StringComparer.Ordinal);
    private readonly MailAccount? _catchAll;
    private uint _lastUidValidity;
    private bool _appending;

    public MailboxDirectory(MessageStore store, IOptions<MailSinkOptions> options, TimeProvider time)
    {
        _store = store;
        _time = time;
        _catchAllUser = options.Value.Imap.CatchAllUser is { Length: > 0 } user ? user : null;
        lock (_gate)
        {
            _store.Changed += OnStoreChanged;
            if (_catchAllUser is not null)
            {
                _catchAll = AccountLocked(_catchAllUser);
            }

            // Mail stored before the directory existed (the store is created first).
            foreach (var message in _store.Snapshot().Reverse())
            {
                DeliverLocked(message);
            }
        }
    }

    /// <summary>The account an IMAP login as <paramref name="address"/> sees; created on first use.</summary>
    public MailAccount Open(string address)
    {
        lock (_gate)
        {
            return AccountLocked(address);
        }
    }

    public MailFolder? Find(MailAccount account, string name)
    {
        lock (_gate)
        {
            return account.Folders.GetValueOrDefault(MailAccount.Normalize(name));
        }
    }

    /// <summary>Every folder name of the account, with whether it is subscribed.</summary>
    public IReadOnlyList<(string Name, bool Subscribed)> Folders(MailAccount account)
    {
        lock (_gate)
        {
            return account.Folders.Keys.Order(StringComparer.Ordinal)
                .Select(name => (name, account.Subscriptions.Contains(name))).ToList();
        }
    }

    /// <summary>Subscribed names (which need not exist, RFC 3501 6.3.6).</summary>
    public IReadOnlyList<string> Subscriptions(MailAccount account)
    {
        lock (_gate)
        {
            return [.. account.Subscriptions.Order(StringComparer.Ordinal)];
        }
    }

    public void Subscribe(MailAccount account, string name, bool subscribed)
    {
        lock (_gate)
        {
            name = MailAccount.Normalize(name);
            if (subscribed)
            {
                account.Subscriptions.Add(name);
            }
            else
            {
                account.Subscriptions.Remove(name);
            }
        }
    }

    public FolderChange Create(MailAccount account, string name)
    {
        name = MailAccount.Normalize(name.TrimEnd(Delimiter));
        if (name.Length == 0 || name.Split(Delimiter).Any(part => part.Length == 0))
        {
            return FolderChange.Refused;
        }

        lock (_gate)
        {
            if (account.Folders.ContainsKey(name))
            {
                return FolderChange.AlreadyExists;
            }

            account.Folders[name] = new MailFolder(name, NextUidValidityLocked());
            return FolderChange.Done;
        }
    }

    public FolderChange Delete(MailAccount account, string name)
    {
        name = MailAccount.Normalize(name);
        if (name == MailAccount.InboxName)
        {
            return FolderChange.Refused;
        }

        List<string> orphans;
        lock (_gate)
        {
            if (!account.Folders.Remove(name, out var folder))
            {
                return FolderChange.NotFound;
            }

            folder.Deleted = true;
            orphans = RemoveLocked(folder, [.. folder.Entries]);
        }

        _store.Delete(orphans);
        return FolderChange.Done;
    }

    /// <summary>Renames a folder and everything below it; INBOX cannot be renamed here.</summary>
    public FolderChange Rename(MailAccount account, string from, string to)
    {
        from = MailAccount.Normalize(from);
        to = MailAccount.Normalize(to.TrimEnd(Delimiter));
        if (from == MailAccount.InboxName || to == MailAccount.InboxName || to.Length == 0)
        {
            return FolderChange.Refused;
        }

        lock (_gate)
        {
            if (!account.Folders.ContainsKey(from))
            {
                return FolderChange.NotFound;
            }

            if (account.Folders.ContainsKey(to))
            {
                return FolderChange.AlreadyExists;
            }

            var moving = account.Folders.Keys
                .Where(n => n == from || n.StartsWith(from + Delimiter, StringComparison.Ordinal)).ToList();
            foreach (var old in moving)
            {
                account.Folders.Remove(old, out var folder);
                folder!.Name = to + old[from.Length..];
                account.Folders[folder.Name] = folder;
            }

            return FolderChange.Done;
        }
    }

    /// <summary>Every entry of the folder, in UID order.</summary>
    public IReadOnlyList<FolderEntry> Entries(MailFolder folder)
    {
        lock (_gate)
        {
            return [.. folder.Entries];
        }
    }

    /// <summary>The entries with these UIDs (null where a UID is gone).</summary>
    public IReadOnlyList<FolderEntry?> Find(MailFolder folder, IReadOnlyList<uint> uids)
    {
        lock (_gate)
        {
            return uids.Select(folder.FindByUid).ToList();
        }
    }

    public long ModSeq(MailFolder folder)
    {
        lock (_gate)
        {
            return folder.ModSeq;
        }
    }

    /// <summary>STATUS: message count, unseen count, next UID and UIDVALIDITY, read together.</summary>
    public (int Messages, int Unseen, uint UidNext, uint UidValidity) Status(MailFolder folder)
    {
        lock (_gate)
        {
            return (folder.Entries.Count, folder.Entries.Count(e => !e.Message.Read), folder.UidNext, folder.UidValidity);
        }
    }

    /// <summary>What changed since a session's last look (see <see cref="FolderChanges"/>).</summary>
    public FolderChanges ChangesSince(MailFolder folder, uint highestUid, long modSeq, long expungeVersion)
    {
        lock (_gate)
        {
            var start = folder.IndexAfter(highestUid);
            var added = folder.Entries.GetRange(start, folder.Entries.Count - start);
            var changed = folder.ModSeq == modSeq
                ? []
                : folder.Entries.Take(start).Where(e => e.ModSeq > modSeq).ToList();
            var remaining = folder.ExpungeVersion == expungeVersion
                ? null
                : folder.Entries.Select(e => e.Uid).ToHashSet();
            return new FolderChanges(folder.Version, folder.UidValidity, folder.Deleted, added, changed, folder.ModSeq, folder.ExpungeVersion, remaining);
        }
    }

    /// <summary>Completes when the folder changes after <paramref name="version"/>.</summary>
    public Task WaitForChangeAsync(MailFolder folder, long version, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            signal = folder.ChangedSince(version);
        }

        return signal.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Stores <paramref name="raw"/> as is (visible in the API, search and events) and files it in
    /// <paramref name="folder"/> only (and the catch-all INBOX). Returns its UID there.
    /// </summary>
    public (uint UidValidity, uint Uid) Append(MailAccount account, MailFolder folder, byte[] raw, MessageSummaryFields summary, MessageFlagSet flags, IEnumerable<string> keywords)
    {
        var envelope = new Envelope(summary.From.Address, [account.Address]);
        lock (_gate)
        {
            // The store's "new" event runs on this thread inside Add; _appending keeps it from
            // filing the message into the INBOX of the envelope recipient.
            _appending = true;
            StoredMessage message;
            try
            {
                message = _store.Add(envelope, raw, summary, account.Address);
            }
            finally
            {
                _appending = false;
            }

            if ((flags & MessageFlagSet.Seen) != 0)
            {
                message.Read = true;
            }

            var entry = FileLocked(folder, message, flags, keywords);
            if (_catchAll is { } all && all.Inbox != folder)
            {
                FileLocked(all.Inbox, message, MessageFlagSet.None, null);
            }

            return (folder.UidValidity, entry.Uid);
        }
    }

    public CopyResult Copy(IReadOnlyList<FolderEntry> entries, MailFolder target)
    {
        lock (_gate)
        {
            var sources = new List<uint>(entries.Count);
            var targets = new List<uint>(entries.Count);
            foreach (var entry in entries.Where(e => _locations.ContainsKey(e.Message.Id)))
            {
                sources.Add(entry.Uid);
                targets.Add(FileLocked(target, entry.Message, entry.LocalFlags, entry.Keywords).Uid);
            }

            return new CopyResult(target.UidValidity, sources, targets);
        }
    }

    /// <summary>
    /// Removes <paramref name="entries"/> from <paramref name="folder"/>; a message no other folder
    /// holds (or any message expunged from the catch-all INBOX) leaves the store too.
    /// </summary>
    public void Expunge(MailFolder folder, IReadOnlyList<FolderEntry> entries)
    {
        List<string> orphans;
        lock (_gate)
        {
            orphans = RemoveLocked(folder, entries.Where(e => folder.FindByUid(e.Uid) == e).ToList());
        }

        _store.Delete(orphans);
    }

    /// <summary>STORE: changes flags of entries still in the folder; <c>\Seen</c> changes the message's Read state.</summary>
    public void SetFlags(MailFolder folder, IReadOnlyList<FolderEntry> entries, FlagOperation operation, MessageFlagSet flags, IReadOnlyCollection<string> keywords)
    {
        lock (_gate)
        {
            foreach (var entry in entries.Where(e => folder.FindByUid(e.Uid) == e))
            {
                var current = entry.Flags;
                var next = operation switch
                {
                    FlagOperation.Add => current | flags,
                    FlagOperation.Remove => current & ~flags,
                    _ => flags,
                };
                var nextKeywords = operation switch
                {
                    FlagOperation.Add => entry.Keywords.Union(keywords, StringComparer.OrdinalIgnoreCase).ToList(),
                    FlagOperation.Remove => entry.Keywords.Except(keywords, StringComparer.OrdinalIgnoreCase).ToList(),
                    _ => [.. keywords],
                };
                if (next == current && nextKeywords.Count == entry.Keywords.Count && nextKeywords.All(entry.Keywords.Contains))
                {
                    continue;
                }

                entry.LocalFlags = next & ~MessageFlagSet.Seen;
                entry.SetKeywords(nextKeywords);
                var read = (next & MessageFlagSet.Seen) != 0;
                if (entry.Message.Read != read)
                {
                    entry.Message.Read = read;
                    NoticeReadChangesLocked(_locations[entry.Message.Id]);
                }

                entry.LastRead = read;
                entry.ModSeq = ++folder.ModSeq;
            }

            folder.Signal();
        }
    }

    /// <summary>
    /// Gives folders a new UIDVALIDITY and renumbers their messages from 1 (what a server does
    /// after losing its index), so a client's resynchronisation can be tested. Null selects all.
    /// </summary>
    /// <returns>How many folders changed.</returns>
    public int ChangeUidValidity(string? address, string? folderName)
    {
        lock (_gate)
        {
            var folders = _accounts.Values
                .Where(a => address is null || string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase))
                .SelectMany(a => a.Folders.Values)
                .Where(f => folderName is null || f.Name == MailAccount.Normalize(folderName))
                .ToList();
            foreach (var folder in folders)
            {
                folder.UidValidity = NextUidValidityLocked();
                uint uid = 0;
                foreach (var entry in folder.Entries)
                {
                    entry.Uid = ++uid;
                }

                folder.UidNext = uid + 1;
                folder.ExpungeVersion++;
                folder.Signal();
            }

            return folders.Count;
        }
    }

    public void Dispose() => _store.Changed -= OnStoreChanged;

    private void OnStoreChanged(StoreEvent change)
    {
        lock (_gate)
        {
            switch (change.Type)
            {
                case "new" when change.Message is { } message && !_appending:
                    DeliverLocked(message);
                    break;
                case "delete":
                    foreach (var id in change.Ids)
                    {
                        if (_locations.Remove(id, out var held))
                        {
                            foreach (var group in held.GroupBy(l => l.Folder))
                            {
                                RemoveEntriesLocked(group.Key, group.Select(l => l.Entry));
                            }
                        }
                    }

                    break;
                case "update":
                    // The API changed Read flags (it does not say which): announce what differs.
                    NoticeReadChangesLocked(_locations.Values.SelectMany(l => l));
                    break;
            }
        }
    }

    private void DeliverLocked(StoredMessage message)
    {
        if (_locations.ContainsKey(message.Id) || _store.Find(message.Id) is null)
        {
            return;
        }

        foreach (var recipient in message.Envelope.Recipients.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var account = AccountLocked(recipient);
            if (account != _catchAll)
            {
                FileLocked(account.Inbox, message, MessageFlagSet.None, null);
            }
        }

        if (_catchAll is { } all)
        {
            FileLocked(all.Inbox, message, MessageFlagSet.None, null);
        }
    }

    private FolderEntry FileLocked(MailFolder folder, StoredMessage message, MessageFlagSet flags, IEnumerable<string>? keywords)
    {
        var entry = folder.Add(message, flags, keywords);
        if (!_locations.TryGetValue(message.Id, out var held))
        {
            _locations[message.Id] = held = [];
        }

        held.Add(new Location(folder, entry));
        folder.Signal();
        return entry;
    }

    /// <summary>Removes entries and returns the IDs of messages that should now leave the store.</summary>
    private List<string> RemoveLocked(MailFolder folder, IReadOnlyList<FolderEntry> entries)
    {
        RemoveEntriesLocked(folder, entries);
        var orphans = new List<string>();
        var mirrorsStore = _catchAll?.Inbox == folder;
        foreach (var entry in entries)
        {
            if (!_locations.TryGetValue(entry.Message.Id, out var held))
            {
                continue;
            }

            held.RemoveAll(l => l.Entry == entry);
            if (mirrorsStore || held.All(l => l.Folder == _catchAll?.Inbox))
            {
                orphans.Add(entry.Message.Id);
            }
        }

        return orphans;
    }

    private static void RemoveEntriesLocked(MailFolder folder, IEnumerable<FolderEntry> entries)
    {
        var removing = entries.ToHashSet();
        if (folder.Entries.RemoveAll(removing.Contains) > 0)
        {
            folder.ExpungeVersion++;
            folder.Signal();
        }
    }

    private static void NoticeReadChangesLocked(IEnumerable<Location> locations)
    {
        foreach (var (folder, entry) in locations)
        {
            if (entry.LastRead != entry.Message.Read)
            {
                entry.LastRead = entry.Message.Read;
                entry.ModSeq = ++folder.ModSeq;
                folder.Signal();
            }
        }
    }

    private MailAccount AccountLocked(string address)
    {
        if (!_accounts.TryGetValue(address, out var account))
        {
            var isCatchAll = string.Equals(address, _catchAllUser, StringComparison.OrdinalIgnoreCase);
            account = new MailAccount(address, new MailFolder(MailAccount.InboxName, NextUidValidityLocked()), isCatchAll);
            _accounts[address] = account;
        }

        return account;
    }

    /// <summary>Seconds since 1970, but never the same value twice in this process.</summary>
    private uint NextUidValidityLocked() =>
        _lastUidValidity = Math.Max(_lastUidValidity + 1, (uint)_time.GetUtcNow().ToUnixTimeSeconds());

    private readonly record struct Location(MailFolder Folder, FolderEntry Entry);
}
