namespace MailStack.Sink.Storage;

/// <summary>
/// Tag operations across the store, as Mailpit's tags API does them: set a message's tags, list,
/// rename and delete tags. A tag exists while a message carries it; names are case-insensitive and
/// an existing spelling is reused.
/// </summary>
public sealed class TagCatalog(MessageStore store)
{
    private readonly Lock _gate = new();

    /// <summary>Every tag in use, sorted case-insensitively.</summary>
    public IReadOnlyList<string> All() => MessageTags.Normalize(store.Snapshot().Reverse().SelectMany(m => m.Tags));

    /// <summary>Replaces the tags of each message in <paramref name="ids"/>; unknown IDs are skipped, as in Mailpit.</summary>
    public void Set(IEnumerable<string> ids, IEnumerable<string> tags)
    {
        lock (_gate)
        {
            var existing = All();
            var wanted = MessageTags.Normalize(tags)
                .Select(t => existing.FirstOrDefault(e => MessageTags.Comparer.Equals(e, t)) ?? t)
                .ToList();
            foreach (var message in ids.Select(store.Find).OfType<StoredMessage>())
            {
                message.Tags = wanted;
            }
        }
    }

    /// <exception cref="TagException">The new name is invalid or taken, or no message has the tag.</exception>
    public void Rename(string from, string to)
    {
        var cleaned = MessageTags.Clean(to) ?? throw new TagException($"invalid tag name: {to}");
        if (string.Equals(from, cleaned, StringComparison.Ordinal))
        {
            return;
        }

        lock (_gate)
        {
            var tagged = Carrying(from);
            if (!MessageTags.Comparer.Equals(from, cleaned) && All().Contains(cleaned, MessageTags.Comparer))
            {
                throw new TagException($"tag already exists: {cleaned}");
            }

            foreach (var message in tagged)
            {
                message.Tags = MessageTags.Normalize(message.Tags.Select(t => MessageTags.Comparer.Equals(t, from) ? cleaned : t));
            }
        }
    }

    /// <exception cref="TagException">No message has the tag.</exception>
    public void Delete(string tag)
    {
        lock (_gate)
        {
            foreach (var message in Carrying(tag))
            {
                message.Tags = message.Tags.Where(t => !MessageTags.Comparer.Equals(t, tag)).ToList();
            }
        }
    }

    private List<StoredMessage> Carrying(string tag)
    {
        var tagged = store.Snapshot().Where(m => m.Tags.Contains(tag, MessageTags.Comparer)).ToList();
        return tagged.Count > 0 ? tagged : throw new TagException($"tag not found: {tag}");
    }
}
