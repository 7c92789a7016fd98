using System.Text;

namespace MailStack.Sink.Imap;

/// <summary>
/// A sequence set (<c>1:3,7,9:*</c>) of sequence numbers or UIDs. <c>*</c> is the largest number
/// in use, and a range is unordered, so <c>n:*</c> always includes the last message.
/// </summary>
internal sealed class SequenceSet
{
    /// <summary>Stands for <c>*</c> until resolved against a mailbox.</summary>
    private const uint Star = uint.MaxValue;

    private readonly List<(uint From, uint To)> _ranges;

    private SequenceSet(List<(uint From, uint To)> ranges) => _ranges = ranges;

    public static SequenceSet Parse(string text)
    {
        var ranges = new List<(uint, uint)>();
        foreach (var item in text.Split(','))
        {
            var colon = item.IndexOf(':');
            var from = ParseNumber(colon < 0 ? item : item[..colon], text);
            var to = colon < 0 ? from : ParseNumber(item[(colon + 1)..], text);
            ranges.Add((from, to));
        }

        return new SequenceSet(ranges);
    }

    /// <summary>The largest explicit number (not <c>*</c>), to check sequence numbers against EXISTS.</summary>
    public uint HighestExplicit => _ranges.SelectMany(r => new[] { r.From, r.To }).Where(n => n != Star).DefaultIfEmpty(0u).Max();

    /// <param name="largest">What <c>*</c> means: the highest sequence number or UID; 0 for an empty mailbox.</param>
    public bool Contains(uint value, uint largest)
    {
        foreach (var (from, to) in _ranges)
        {
            var low = Resolve(from, largest);
            var high = Resolve(to, largest);
            if (low > high)
            {
                (low, high) = (high, low);
            }

            if (value >= low && value <= high)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The compact form of ascending numbers, for COPYUID.</summary>
    public static string Format(IReadOnlyList<uint> numbers)
    {
        var text = new StringBuilder();
        for (var i = 0; i < numbers.Count; i++)
        {
            var start = numbers[i];
            while (i + 1 < numbers.Count && numbers[i + 1] == numbers[i] + 1)
            {
                i++;
            }

            text.Append(text.Length > 0 ? "," : "").Append(start);
            if (numbers[i] != start)
            {
                text.Append(':').Append(numbers[i]);
            }
        }

        return text.ToString();
    }

    private static uint Resolve(uint number, uint largest) => number == Star ? largest : number;

    private static uint ParseNumber(string text, string set)
    {
        if (text == "*")
        {
            return Star;
        }

        return uint.TryParse(text, System.Globalization.NumberStyles.None, null, out var value) && value > 0 && value != Star
            ? value
            : throw new ImapSyntaxException($"Invalid sequence set '{set}'");
    }
}
