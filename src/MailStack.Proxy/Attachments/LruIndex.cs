namespace MailStack.Proxy.Attachments;

/// <summary>A size-capped, time-limited least-recently-used map; <c>evicted</c> is told of every value it drops.</summary>
internal sealed class LruIndex<T>(long maxBytes, TimeSpan ttl, Action<T> evicted)
{
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _order = new();
    private readonly Lock _gate = new();
    private long _bytes;

    public bool Fits(long length) => length <= maxBytes;

    public bool TryGet(string key, DateTimeOffset now, out T value, out long length)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                if (now - node.Value.StoredAt <= ttl)
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                    (value, length) = (node.Value.Value, node.Value.Length);
                    return true;
                }

                Drop(node);
            }
        }

        (value, length) = (default!, 0);
        return false;
    }

    public void Put(string key, T value, long length, DateTimeOffset now)
    {
        if (!Fits(length))
        {
            return;
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                // Same key, same bytes: the new value replaces the old without dropping what it points at.
                _order.Remove(existing);
                _entries.Remove(key);
                _bytes -= existing.Value.Length;
            }

            while (_bytes + length > maxBytes && _order.Last is { } oldest)
            {
                Drop(oldest);
            }

            _entries[key] = _order.AddFirst(new Entry(key, value, length, now));
            _bytes += length;
        }
    }

    public void Remove(string key)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                Drop(node);
            }
        }
    }

    private void Drop(LinkedListNode<Entry> node)
    {
        _order.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.Length;
        evicted(node.Value.Value);
    }

    private sealed record Entry(string Key, T Value, long Length, DateTimeOffset StoredAt);
}
