namespace MailStack.Sink.Imap;

/// <summary>One requested FETCH item; <see cref="Origin"/>/<see cref="Length"/> make it partial.</summary>
internal sealed record FetchItem(FetchAttribute Attribute, BodySection? Section = null, bool Peek = false, uint? Origin = null, uint? Length = null)
{
    /// <summary>Fetching it sets \Seen (RFC 3501: BODY[…] without .PEEK, RFC822, RFC822.TEXT).</summary>
    public bool SetsSeen => Attribute is FetchAttribute.Rfc822 or FetchAttribute.Rfc822Text || (Attribute == FetchAttribute.Section && !Peek);

    /// <summary>Parses FETCH's item list: a macro, one item or a parenthesised list.</summary>
    public static IReadOnlyList<FetchItem> ParseList(ImapArguments args)
    {
        if (!args.TryConsume('('))
        {
            var single = args.Peek() is 'a' or 'A' or 'f' or 'F' ? TryMacro(args) : null;
            return single ?? [Parse(args)];
        }

        var items = new List<FetchItem>();
        while (!args.TryConsume(')'))
        {
            if (items.Count > 0)
            {
                args.Space();
            }

            items.Add(Parse(args));
        }

        return items.Count > 0 ? items : throw new ImapSyntaxException("Empty fetch list");
    }

    private static List<FetchItem>? TryMacro(ImapArguments args)
    {
        var probe = args.AtomUntil("[<");
        List<FetchItem> fast = [new(FetchAttribute.Flags), new(FetchAttribute.InternalDate), new(FetchAttribute.Rfc822Size)];
        return probe.ToUpperInvariant() switch
        {
            "ALL" => [.. fast, new(FetchAttribute.Envelope)],
            "FAST" => fast,
            "FULL" => [.. fast, new(FetchAttribute.Envelope), new(FetchAttribute.Body)],
            _ => [ParseNamed(probe, args)],
        };
    }

    private static FetchItem Parse(ImapArguments args) => ParseNamed(args.AtomUntil("[<"), args);

    private static FetchItem ParseNamed(string name, ImapArguments args)
    {
        switch (name.ToUpperInvariant())
        {
            case "UID":
                return new(FetchAttribute.Uid);
            case "FLAGS":
                return new(FetchAttribute.Flags);
            case "INTERNALDATE":
                return new(FetchAttribute.InternalDate);
            case "RFC822.SIZE":
                return new(FetchAttribute.Rfc822Size);
            case "ENVELOPE":
                return new(FetchAttribute.Envelope);
            case "BODYSTRUCTURE":
                return new(FetchAttribute.BodyStructure);
            case "RFC822":
                return new(FetchAttribute.Rfc822);
            case "RFC822.HEADER":
                return new(FetchAttribute.Rfc822Header);
            case "RFC822.TEXT":
                return new(FetchAttribute.Rfc822Text);
            case "BODY" when !args.TryConsume('['):
                return new(FetchAttribute.Body);
            case "BODY":
            case "BODY.PEEK" when args.TryConsume('['):
                var section = BodySection.Parse(args);
                if (!args.TryConsume('<'))
                {
                    return new(FetchAttribute.Section, section, name.Length > 4);
                }

                var origin = args.Number(".");
                args.Expect('.');
                var length = args.Number(">");
                args.Expect('>');
                return length == 0
                    ? throw new ImapSyntaxException("A partial fetch needs a length above 0")
                    : new(FetchAttribute.Section, section, name.Length > 4, origin, length);
            default:
                throw new ImapSyntaxException($"Unknown fetch item '{name}'");
        }
    }
}
