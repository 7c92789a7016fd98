using MailStack.Sink.Client;
using MailStack.Sink.Hosting;
using Microsoft.Extensions.Options;

namespace MailStack.Sink.Storage;

/// <summary>What happened to the store, for the events stream and waiters.</summary>
public sealed record StoreEvent(string Type, StoredMessage? Message, IReadOnlyList<string> Ids);

/// <summary>
/// In-memory message store: a global arrival-ordered view for the API plus one mailbox per
/// envelope recipient (for per-recipient queries and, later, IMAP UIDs). Thread-safe; every
/// change bumps <see cref="Version"/> so waiters can await "anything after version N" race-free.
/// </summary>
public sealed class MessageStore
{
    private readonly object _gate = new();
    private readonly LinkedList<StoredMessage> _messages = new();
    private readonly Dictionary<string, LinkedListNode<StoredMessage>> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Mailbox> _mailboxes = new(StringComparer.OrdinalIgnoreCase);
    private readonly StoreOptions _options;
    private readonly TimeProvider _time;
    private TaskCompletionSource _changed = NewSignal();
    private long _version;
    private long _sequence;

    public MessageStore(IOptions<MailSinkOptions> options, TimeProvider time)
    {
        _options = options.Value.Store;
        _time = time;
    }

    public event Action<StoreEvent>? Changed;

    public long Version => Interlocked.Read(ref _version);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count;
            }
        }
    }

    public StoredMessage Add(Envelope envelope, byte[] raw, MessageSummaryFields summary, string? username)
    {
        StoredMessage message;
        List<string> pruned;
        lock (_gate)
        {
            message = new StoredMessage(MessageIngestion.NewId(), ++_sequence, envelope, _time.GetUtcNow(), raw, summary, username);
            _byId[message.Id] = _messages.AddLast(message);
            foreach (var recipient in envelope.Recipients.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                MailboxFor(recipient).Add(message);
            }

            pruned = PruneLocked();
        }

        Publish(new StoreEvent("new", message, [message.Id]));
        if (pruned.Count > 0)
        {
            Publish(new StoreEvent("delete", null, pruned));
        }

        return message;
    }

    /// <summary>Newest first, as Mailpit lists them.</summary>
    public IReadOnlyList<StoredMessage> Snapshot()
    {
        lock (_gate)
        {
            var list = new List<StoredMessage>(_messages.Count);
            for (var node = _messages.Last; node is not null; node = node.Previous)
            {
                list.Add(node.Value);
            }

            return list;
        }
    }

    public StoredMessage? Find(string id)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(id, out var node) ? node.Value : null;
        }
    }

    /// <summary>Messages delivered to <paramref name="address"/> (by envelope), oldest first.</summary>
    public IReadOnlyList<StoredMessage> MailboxOf(string address)
    {
        lock (_gate)
        {
            return _mailboxes.TryGetValue(address, out var mailbox) ? mailbox.Messages.ToList() : [];
        }
    }

    /// <summary>Every recipient that holds mail, with its counts, by address.</summary>
    public IReadOnlyList<MailboxSummary> Mailboxes()
    {
        lock (_gate)
        {
            return _mailboxes.Values
                .Where(m => m.Messages.Count > 0)
                .OrderBy(m => m.Address, StringComparer.OrdinalIgnoreCase)
                .Select(m => new MailboxSummary(m.Address, m.Messages.Count, m.Messages.Count(message => !message.Read)))
                .ToList();
        }
    }

    public int Delete(IEnumerable<string> ids)
    {
        var removed = new List<string>();
        lock (_gate)
        {
            foreach (var id in ids)
            {
                if (RemoveLocked(id))
                {
                    removed.Add(id);
                }
            }
        }

        if (removed.Count > 0)
        {
            Publish(new StoreEvent("delete", null, removed));
        }

        return removed.Count;
    }

    public int DeleteAll()
    {
        List<string> removed;
        lock (_gate)
        {
            removed = [.. _byId.Keys];
            _messages.Clear();
            _byId.Clear();
            foreach (var mailbox in _mailboxes.Values)
            {
                mailbox.Messages.Clear();
            }
        }

        Publish(new StoreEvent("delete", null, removed));
        return removed.Count;
    }

    public int SetRead(IEnumerable<string>? ids, bool read)
    {
        var changed = 0;
        var targets = ids is null ? Snapshot() : ids.Select(Find).OfType<StoredMessage>().ToList();
        foreach (var message in targets.Where(m => m.Read != read))
        {
            message.Read = read;
            changed++;
        }

        if (changed > 0)
        {
            Publish(new StoreEvent("update", null, []));
        }

        return changed;
    }

    /// <summary>Completes when the store changes after <paramref name="version"/> (at once if it already has).</summary>
    public Task WaitForChangeAsync(long version, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            if (_version != version)
            {
                return Task.CompletedTask;
            }

            signal = _changed.Task;
        }

        return signal.WaitAsync(cancellationToken);
    }

    private void Publish(StoreEvent change)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _version++;
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
        Changed?.Invoke(change);
    }

    private List<string> PruneLocked()
    {
        var pruned = new List<string>();
        while (_options.MaxMessages > 0 && _messages.Count > _options.MaxMessages && _messages.First is { } oldest)
        {
            RemoveLocked(oldest.Value.Id);
            pruned.Add(oldest.Value.Id);
        }

        if (_options.MaxAge is { } maxAge)
        {
            var cutoff = _time.GetUtcNow() - maxAge;
            while (_messages.First is { } oldest && oldest.Value.Received < cutoff)
            {
                RemoveLocked(oldest.Value.Id);
                pruned.Add(oldest.Value.Id);
            }
        }

        return pruned;
    }

    private bool RemoveLocked(string id)
    {
        if (!_byId.Remove(id, out var node))
        {
            return false;
        }

        _messages.Remove(node);
        foreach (var recipient in node.Value.Envelope.Recipients)
        {
            if (_mailboxes.TryGetValue(recipient, out var mailbox))
            {
                mailbox.Messages.Remove(node.Value);
            }
        }

        return true;
    }

    private Mailbox MailboxFor(string address)
    {
        if (!_mailboxes.TryGetValue(address, out var mailbox))
        {
            mailbox = new Mailbox(address, (uint)_time.GetUtcNow().ToUnixTimeSeconds());
            _mailboxes[address] = mailbox;
        }

        return mailbox;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One recipient's messages; UIDVALIDITY is fixed at creation so IMAP UIDs stay valid.</summary>
    private sealed class Mailbox(string address, uint uidValidity)
    {
        public string Address { get; } = address;

        public uint UidValidity { get; } = uidValidity;

        public List<StoredMessage> Messages { get; } = [];

        public void Add(StoredMessage message) => Messages.Add(message);
    }
}
