using MailStack.Sink.Storage;
using MimeKit;

namespace MailStack.Sink.Imap;

/// <summary>A message under test by <see cref="SearchCriteria"/>; its header is parsed only if a key needs it.</summary>
internal sealed class SearchCandidate(uint sequence, FolderEntry entry, uint largestSequence, uint largestUid)
{
    private HeaderList? _headers;

    public uint Sequence { get; } = sequence;

    public FolderEntry Entry { get; } = entry;

    public uint LargestSequence { get; } = largestSequence;

    public uint LargestUid { get; } = largestUid;

    private HeaderList Headers
    {
        get
        {
            if (_headers is null)
            {
                using var stream = new MemoryStream(Entry.Message.Raw, writable: false);
                _headers = HeaderList.Load(stream);
            }

            return _headers;
        }
    }

    public bool HeaderContains(string field, string value) =>
        Headers.Where(h => string.Equals(h.Field, field, StringComparison.OrdinalIgnoreCase))
            .Any(h => h.Value.Contains(value, StringComparison.OrdinalIgnoreCase));

    public bool AnyHeaderContains(string value) => Headers.Any(h => h.Value.Contains(value, StringComparison.OrdinalIgnoreCase));

    public bool BodyContains(string value) => Entry.Message.SearchText.Contains(value, StringComparison.OrdinalIgnoreCase);
}
