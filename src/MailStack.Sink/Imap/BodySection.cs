namespace MailStack.Sink.Imap;

/// <summary>What a section specifier names (RFC 3501 6.4.5).</summary>
internal enum SectionKind
{
    /// <summary>The whole message, or a part's body when a path is given.</summary>
    Content,
    Header,
    HeaderFields,
    HeaderFieldsNot,
    Text,
    Mime,
}

/// <summary>
/// A parsed <c>BODY[section]&lt;partial&gt;</c>: part path, what of it, and the label to echo in
/// the response exactly (clients match the response by it).
/// </summary>
internal sealed record BodySection(int[] Path, SectionKind Kind, IReadOnlyList<string> Fields, string Label)
{
    public static readonly BodySection Whole = new([], SectionKind.Content, [], "");

    public static readonly BodySection Header = new([], SectionKind.Header, [], "HEADER");

    public static readonly BodySection Text = new([], SectionKind.Text, [], "TEXT");

    /// <summary>Parses what is between the brackets, having consumed '['; consumes ']'.</summary>
    public static BodySection Parse(ImapArguments args)
    {
        var path = new List<int>();
        SectionKind kind = SectionKind.Content;
        IReadOnlyList<string> fields = [];
        var label = new System.Text.StringBuilder();
        while (args.Peek() is not ']' and not null)
        {
            var token = args.AtomUntil(".] ");
            if (int.TryParse(token, System.Globalization.NumberStyles.None, null, out var number) && number > 0 && kind == SectionKind.Content)
            {
                path.Add(number);
                label.Append(label.Length > 0 ? "." : "").Append(number);
                if (args.TryConsume('.'))
                {
                    continue;
                }

                break;
            }

            var name = token.ToUpperInvariant();
            while (args.TryConsume('.'))
            {
                name += "." + args.AtomUntil(".] ").ToUpperInvariant();
            }

            kind = name switch
            {
                "HEADER" => SectionKind.Header,
                "HEADER.FIELDS" => SectionKind.HeaderFields,
                "HEADER.FIELDS.NOT" => SectionKind.HeaderFieldsNot,
                "TEXT" => SectionKind.Text,
                "MIME" when path.Count > 0 => SectionKind.Mime,
                _ => throw new ImapSyntaxException($"Invalid section '{name}'"),
            };
            label.Append(label.Length > 0 ? "." : "").Append(name);
            if (kind is SectionKind.HeaderFields or SectionKind.HeaderFieldsNot)
            {
                args.Space();
                args.Expect('(');
                var names = new List<string>();
                while (!args.TryConsume(')'))
                {
                    if (names.Count > 0)
                    {
                        args.Space();
                    }

                    names.Add(args.AString().ToUpperInvariant());
                }

                if (names.Count == 0)
                {
                    throw new ImapSyntaxException("Empty header field list");
                }

                fields = names;
                label.Append(" (").Append(string.Join(' ', names)).Append(')');
            }

            break;
        }

        args.Expect(']');
        return new BodySection([.. path], kind, fields, label.ToString());
    }
}
