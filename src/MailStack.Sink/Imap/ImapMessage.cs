using System.Runtime.CompilerServices;
using System.Text;
using MailStack.Sink.Storage;
using MimeKit;
using MimeKit.Utils;

namespace MailStack.Sink.Imap;

/// <summary>
/// What IMAP needs of a stored message, computed once (MimeKit parse with byte offsets) and kept
/// beside it: ENVELOPE and BODYSTRUCTURE as rendered bytes, and each part's byte ranges in the raw
/// message, so BODY[section] answers with the exact bytes received.
/// </summary>
internal sealed class ImapMessage
{
    private static readonly ConditionalWeakTable<StoredMessage, ImapMessage> Cache = [];

    private readonly MessageNode _root;

    private ImapMessage(StoredMessage message)
    {
        Raw = message.Raw;
        var entities = new Dictionary<MimeEntity, (long Begin, long HeadersEnd, long End)>(ReferenceEqualityComparer.Instance);
        var messages = new Dictionary<MimeMessage, (long Begin, long HeadersEnd, long End)>(ReferenceEqualityComparer.Instance);
        using var stream = new MemoryStream(Raw, writable: false);
        var parser = new MimeParser(stream, MimeFormat.Entity);
        parser.MimeEntityEnd += (_, e) => entities[e.Entity] = (e.BeginOffset, e.HeadersEndOffset, e.EndOffset);
        parser.MimeMessageEnd += (_, e) => messages[e.Message] = (e.BeginOffset, e.HeadersEndOffset, e.EndOffset);
        var parsed = parser.ParseMessage();

        _root = Build(parsed, messages, entities);
        Envelope = Render(w => WriteEnvelope(w, parsed));
        BodyStructure = Render(w => WriteBody(w, parsed.Body, _root.Body, extensible: true));
        Body = Render(w => WriteBody(w, parsed.Body, _root.Body, extensible: false));
    }

    public static ImapMessage Of(StoredMessage message) => Cache.GetValue(message, m => new ImapMessage(m));

    public byte[] Raw { get; }

    public byte[] Envelope { get; }

    public byte[] BodyStructure { get; }

    /// <summary>BODY (the non-extensible BODYSTRUCTURE).</summary>
    public byte[] Body { get; }

    /// <summary>The top-level header block (for SEARCH).</summary>
    public ReadOnlySpan<byte> HeaderBytes => Raw.AsSpan(0, (int)_root.HeadersEnd);

    /// <summary>The bytes a section names; null when the message has no such part.</summary>
    public ReadOnlyMemory<byte>? Section(BodySection section)
    {
        var message = _root;
        PartNode? part = null;
        foreach (var number in section.Path)
        {
            var container = part is null ? message.Body : part.Embedded?.Body ?? part;
            if (container.Children is { } children)
            {
                part = number <= children.Count ? children[number - 1] : null;
            }
            else
            {
                part = number == 1 && (part is null || part.Embedded is not null) ? container : null;
            }

            if (part is null)
            {
                return null;
            }
        }

        if (section.Kind is SectionKind.Header or SectionKind.HeaderFields or SectionKind.HeaderFieldsNot or SectionKind.Text && part is not null)
        {
            if (part.Embedded is not { } embedded)
            {
                return null;
            }

            message = embedded;
        }

        return section.Kind switch
        {
            SectionKind.Content when part is null => Slice(message.Begin, message.End),
            SectionKind.Content => Slice(part!.HeadersEnd, part.End),
            SectionKind.Mime => Slice(part!.Begin, part.HeadersEnd),
            SectionKind.Header => Slice(message.Begin, message.HeadersEnd),
            SectionKind.Text => Slice(message.HeadersEnd, message.End),
            _ => HeaderFields(Raw.AsSpan((int)message.Begin, (int)(message.HeadersEnd - message.Begin)), section.Fields, section.Kind == SectionKind.HeaderFieldsNot),
        };
    }

    /// <summary>The header lines named (or, with <paramref name="exclude"/>, not named), then the blank line.</summary>
    public static byte[] HeaderFields(ReadOnlySpan<byte> header, IReadOnlyList<string> names, bool exclude)
    {
        var output = new MemoryStream();
        var keep = false;
        while (header.Length > 0)
        {
            var newline = header.IndexOf((byte)'\n');
            var line = newline < 0 ? header : header[..(newline + 1)];
            header = header[line.Length..];
            if (line.Length == 0 || line[0] is (byte)'\r' or (byte)'\n')
            {
                break; // the blank line ending the header
            }

            if (line[0] is not ((byte)' ' or (byte)'\t'))
            {
                var colon = line.IndexOf((byte)':');
                var name = colon < 0 ? "" : Encoding.ASCII.GetString(line[..colon]).Trim();
                keep = names.Contains(name, StringComparer.OrdinalIgnoreCase) != exclude;
            }

            if (keep)
            {
                output.Write(line);
            }
        }

        output.Write("\r\n"u8);
        return output.ToArray();
    }

    private Memory<byte> Slice(long from, long to) => Raw.AsMemory((int)from, (int)(to - from));

    private MessageNode Build(MimeMessage message, Dictionary<MimeMessage, (long Begin, long HeadersEnd, long End)> messages, Dictionary<MimeEntity, (long Begin, long HeadersEnd, long End)> entities)
    {
        var (begin, headersEnd, end) = messages[message];
        var body = message.Body is null
            ? new PartNode(headersEnd, headersEnd, end, CountLines(Raw.AsSpan((int)headersEnd, (int)(end - headersEnd))), null, null)
            : BuildPart(message.Body, messages, entities);
        return new MessageNode(begin, headersEnd, end, body);
    }

    private PartNode BuildPart(MimeEntity entity, Dictionary<MimeMessage, (long Begin, long HeadersEnd, long End)> messages, Dictionary<MimeEntity, (long Begin, long HeadersEnd, long End)> entities)
    {
        var (begin, headersEnd, end) = entities[entity];
        var lines = CountLines(Raw.AsSpan((int)headersEnd, (int)(end - headersEnd)));
        return entity switch
        {
            Multipart multipart => new PartNode(begin, headersEnd, end, lines, [.. multipart.Select(child => BuildPart(child, messages, entities))], null),
            MessagePart { Message: { } inner } => new PartNode(begin, headersEnd, end, lines, null, Build(inner, messages, entities)),
            _ => new PartNode(begin, headersEnd, end, lines, null, null),
        };
    }

    /// <summary>Lines of a body as IMAP counts them: line breaks, plus an unterminated last line.</summary>
    private static long CountLines(ReadOnlySpan<byte> body)
    {
        var lines = body.Count((byte)'\n');
        return body.Length > 0 && body[^1] != (byte)'\n' ? lines + 1 : lines;
    }

    private static byte[] Render(Action<ImapResponseWriter> write)
    {
        using var target = new MemoryStream();
        var writer = new ImapResponseWriter(target);
        write(writer);
        writer.FlushAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return target.ToArray();
    }

    private static void WriteEnvelope(ImapResponseWriter w, MimeMessage message)
    {
        w.Raw("(").NString(RawHeader(message.Headers, HeaderId.Date)).Raw(" ")
            .NString(RawHeader(message.Headers, HeaderId.Subject)).Raw(" ");
        WriteAddresses(w, message.From);
        w.Raw(" ");
        WriteAddresses(w, message.Sender is { } sender ? [sender] : message.From);
        w.Raw(" ");
        WriteAddresses(w, message.ReplyTo.Count > 0 ? message.ReplyTo : message.From);
        w.Raw(" ");
        WriteAddresses(w, message.To);
        w.Raw(" ");
        WriteAddresses(w, message.Cc);
        w.Raw(" ");
        WriteAddresses(w, message.Bcc);
        w.Raw(" ").NString(RawHeader(message.Headers, HeaderId.InReplyTo))
            .Raw(" ").NString(RawHeader(message.Headers, HeaderId.MessageId)).Raw(")");
    }

    private static void WriteAddresses(ImapResponseWriter w, IEnumerable<InternetAddress> addresses)
    {
        var list = addresses.ToList();
        if (list.Count == 0)
        {
            w.Raw("NIL");
            return;
        }

        w.Raw("(");
        foreach (var address in list)
        {
            WriteAddress(w, address);
        }

        w.Raw(")");
    }

    private static void WriteAddress(ImapResponseWriter w, InternetAddress address)
    {
        switch (address)
        {
            case MailboxAddress mailbox:
                w.Raw("(").NString(EncodedPhrase(mailbox.Name)).Raw(" NIL ").String(mailbox.LocalPart ?? "")
                    .Raw(" ").NString(string.IsNullOrEmpty(mailbox.Domain) ? null : mailbox.Domain).Raw(")");
                break;
            case GroupAddress group:
                // RFC 3501: a group is (NIL NIL name NIL), its members, then (NIL NIL NIL NIL).
                w.Raw("(NIL NIL ").String(EncodedPhrase(group.Name) ?? "").Raw(" NIL)");
                foreach (var member in group.Members)
                {
                    WriteAddress(w, member);
                }

                w.Raw("(NIL NIL NIL NIL)");
                break;
        }
    }

    private static void WriteBody(ImapResponseWriter w, MimeEntity? entity, PartNode node, bool extensible)
    {
        w.Raw("(");
        if (entity is Multipart multipart)
        {
            for (var i = 0; i < multipart.Count; i++)
            {
                WriteBody(w, multipart[i], node.Children![i], extensible);
            }

            w.Raw(" ").String(entity.ContentType.MediaSubtype);
            if (extensible)
            {
                w.Raw(" ");
                WriteParameters(w, entity.ContentType.Parameters);
                w.Raw(" ");
                WriteDisposition(w, entity);
                w.Raw(" ").NString(RawHeader(entity.Headers, HeaderId.ContentLanguage))
                    .Raw(" ").NString(RawHeader(entity.Headers, HeaderId.ContentLocation));
            }

            w.Raw(")");
            return;
        }

        // A message without a body is an empty text/plain one.
        entity ??= new TextPart("plain");
        var type = entity.ContentType;
        // Types, parameters and dispositions keep the message's own case (as Dovecot answers).
        w.String(type.MediaType).Raw(" ").String(type.MediaSubtype).Raw(" ");
        if (type.Parameters.Count == 0 && type.IsMimeType("text", "*"))
        {
            w.Raw("(\"charset\" \"us-ascii\")");
        }
        else
        {
            WriteParameters(w, type.Parameters);
        }

        var size = node.End - node.HeadersEnd;
        w.Raw(" ").NString(RawHeader(entity.Headers, HeaderId.ContentId))
            .Raw(" ").NString(RawHeader(entity.Headers, HeaderId.ContentDescription))
            .Raw(" ").String(RawHeader(entity.Headers, HeaderId.ContentTransferEncoding)?.ToUpperInvariant() ?? "7BIT")
            .Raw(" ").Number(size);
        if (entity is MessagePart { Message: { } inner } && node.Embedded is { } embedded)
        {
            w.Raw(" ");
            WriteEnvelope(w, inner);
            w.Raw(" ");
            WriteBody(w, inner.Body, embedded.Body, extensible);
            w.Raw(" ").Number(node.Lines);
        }
        else if (type.IsMimeType("text", "*"))
        {
            w.Raw(" ").Number(node.Lines);
        }

        if (extensible)
        {
            w.Raw(" ").NString(RawHeader(entity.Headers, HeaderId.ContentMd5)).Raw(" ");
            WriteDisposition(w, entity);
            w.Raw(" ").NString(RawHeader(entity.Headers, HeaderId.ContentLanguage))
                .Raw(" ").NString(RawHeader(entity.Headers, HeaderId.ContentLocation));
        }

        w.Raw(")");
    }

    private static void WriteParameters(ImapResponseWriter w, ParameterList parameters)
    {
        if (parameters.Count == 0)
        {
            w.Raw("NIL");
            return;
        }

        w.Raw("(");
        var first = true;
        foreach (var parameter in parameters)
        {
            w.Raw(first ? "" : " ").String(parameter.Name).Raw(" ").String(parameter.Value);
            first = false;
        }

        w.Raw(")");
    }

    private static void WriteDisposition(ImapResponseWriter w, MimeEntity entity)
    {
        if (entity.ContentDisposition is not { } disposition)
        {
            w.Raw("NIL");
            return;
        }

        w.Raw("(").String(disposition.Disposition).Raw(" ");
        WriteParameters(w, disposition.Parameters);
        w.Raw(")");
    }

    /// <summary>A header's value as received (encoded words kept), unfolded; null when absent.</summary>
    private static string? RawHeader(HeaderList headers, HeaderId id)
    {
        var index = headers.IndexOf(id);
        if (index < 0)
        {
            return null;
        }

        var value = Encoding.UTF8.GetString(headers[index].RawValue).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();
        return value.Length == 0 ? null : value;
    }

    private static string? EncodedPhrase(string? name) =>
        string.IsNullOrEmpty(name) ? null
        : Ascii.IsValid(name) ? name
        : Encoding.ASCII.GetString(Rfc2047.EncodePhrase(Encoding.UTF8, name));

    /// <summary>A message's (or embedded message's) header and body byte ranges.</summary>
    private sealed record MessageNode(long Begin, long HeadersEnd, long End, PartNode Body);

    /// <summary>A MIME part's byte ranges: its MIME header is [Begin, HeadersEnd), its body [HeadersEnd, End).</summary>
    private sealed class PartNode(long begin, long headersEnd, long end, long lines, List<PartNode>? children, MessageNode? embedded)
    {
        public long Begin { get; } = begin;

        public long HeadersEnd { get; } = headersEnd;

        public long End { get; } = end;

        public List<PartNode>? Children { get; } = children;

        public MessageNode? Embedded { get; } = embedded;

        public long Lines { get; } = lines;
    }
}
