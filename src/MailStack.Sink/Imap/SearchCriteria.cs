using System.Globalization;
using MailStack.Sink.Storage;
using MimeKit;

namespace MailStack.Sink.Imap;

/// <summary>
/// RFC 3501 SEARCH keys parsed into one predicate. Strings match case-insensitively as substrings
/// of decoded header values or body text; dates compare whole days in UTC.
/// </summary>
internal sealed class SearchCriteria
{
    private static readonly string[] DateFormats = ["d-MMM-yyyy", "dd-MMM-yyyy"];

    private readonly Func<SearchCandidate, bool> _matches;

    private SearchCriteria(Func<SearchCandidate, bool> matches) => _matches = matches;

    public bool Matches(SearchCandidate candidate) => _matches(candidate);

    /// <summary>Parses the keys after SEARCH (an optional CHARSET first); they are ANDed.</summary>
    public static SearchCriteria Parse(ImapArguments args)
    {
        var keys = ParseKeys(args);
        return new SearchCriteria(c => keys.All(k => k(c)));
    }

    private static List<Func<SearchCandidate, bool>> ParseKeys(ImapArguments args)
    {
        var keys = new List<Func<SearchCandidate, bool>>();
        while (!args.AtEnd)
        {
            if (keys.Count > 0)
            {
                args.Space();
            }

            keys.Add(ParseKey(args, allowCharset: keys.Count == 0));
        }

        return keys.Count > 0 ? keys : throw new ImapSyntaxException("Missing search criteria");
    }

    private static Func<SearchCandidate, bool> ParseKey(ImapArguments args, bool allowCharset = false)
    {
        if (args.TryConsume('('))
        {
            var inner = new List<Func<SearchCandidate, bool>>();
            while (!args.TryConsume(')'))
            {
                if (inner.Count > 0)
                {
                    args.Space();
                }

                inner.Add(ParseKey(args));
            }

            return c => inner.All(k => k(c));
        }

        if (args.Peek() is >= '0' and <= '9' or '*')
        {
            var set = SequenceSet.Parse(args.SequenceSetText());
            return c => set.Contains(c.Sequence, c.LargestSequence);
        }

        var name = args.Atom().ToUpperInvariant();
        switch (name)
        {
            case "CHARSET" when allowCharset:
                args.Space();
                var charset = args.AString();
                if (!string.Equals(charset, "UTF-8", StringComparison.OrdinalIgnoreCase) && !string.Equals(charset, "US-ASCII", StringComparison.OrdinalIgnoreCase))
                {
                    throw new UnsupportedCharsetException(charset);
                }

                args.Space();
                return ParseKey(args);
            case "ALL":
            case "OLD":
                return _ => true;
            case "NEW":
            case "RECENT":
                return _ => false; // no session ever sees a message first: \Recent is not kept
            case "ANSWERED": return Flag(MessageFlagSet.Answered, true);
            case "UNANSWERED": return Flag(MessageFlagSet.Answered, false);
            case "DELETED": return Flag(MessageFlagSet.Deleted, true);
            case "UNDELETED": return Flag(MessageFlagSet.Deleted, false);
            case "DRAFT": return Flag(MessageFlagSet.Draft, true);
            case "UNDRAFT": return Flag(MessageFlagSet.Draft, false);
            case "FLAGGED": return Flag(MessageFlagSet.Flagged, true);
            case "UNFLAGGED": return Flag(MessageFlagSet.Flagged, false);
            case "SEEN": return Flag(MessageFlagSet.Seen, true);
            case "UNSEEN": return Flag(MessageFlagSet.Seen, false);
            case "KEYWORD":
            case "UNKEYWORD":
                args.Space();
                var keyword = args.Atom();
                var wanted = name == "KEYWORD";
                return c => c.Entry.Keywords.Contains(keyword, StringComparer.OrdinalIgnoreCase) == wanted;
            case "FROM":
            case "TO":
            case "CC":
            case "BCC":
            case "SUBJECT":
                args.Space();
                var value = args.AString();
                return c => c.HeaderContains(name, value);
            case "HEADER":
                args.Space();
                var field = args.AString();
                args.Space();
                var text = args.AString();
                return c => c.HeaderContains(field, text);
            case "BODY":
                args.Space();
                var body = args.AString();
                return c => c.BodyContains(body);
            case "TEXT":
                args.Space();
                var anywhere = args.AString();
                return c => c.BodyContains(anywhere) || c.AnyHeaderContains(anywhere);
            case "BEFORE":
            case "ON":
            case "SINCE":
                args.Space();
                return Compare(name, Date(args), c => c.Entry.Message.Received.UtcDateTime.Date);
            case "SENTBEFORE":
            case "SENTON":
            case "SENTSINCE":
                args.Space();
                return Compare(name[4..], Date(args), c => c.Entry.Message.Summary.Date.UtcDateTime.Date);
            case "LARGER":
                args.Space();
                var larger = args.Number();
                return c => c.Entry.Message.Raw.Length > larger;
            case "SMALLER":
                args.Space();
                var smaller = args.Number();
                return c => c.Entry.Message.Raw.Length < smaller;
            case "UID":
                args.Space();
                var uids = SequenceSet.Parse(args.SequenceSetText());
                return c => uids.Contains(c.Entry.Uid, c.LargestUid);
            case "NOT":
                args.Space();
                var negated = ParseKey(args);
                return c => !negated(c);
            case "OR":
                args.Space();
                var left = ParseKey(args);
                args.Space();
                var right = ParseKey(args);
                return c => left(c) || right(c);
            default:
                throw new ImapSyntaxException($"Unknown search key '{name}'");
        }
    }

    private static Func<SearchCandidate, bool> Flag(MessageFlagSet flag, bool set) => c => ((c.Entry.Flags & flag) != 0) == set;

    private static Func<SearchCandidate, bool> Compare(string how, DateTime date, Func<SearchCandidate, DateTime> of) => how switch
    {
        "BEFORE" => c => of(c) < date,
        "ON" => c => of(c) == date,
        _ => c => of(c) >= date,
    };

    private static DateTime Date(ImapArguments args)
    {
        var text = args.AString();
        return DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.Date
            : throw new ImapSyntaxException($"Invalid date '{text}' (use e.g. 1-Feb-2026)");
    }
}
