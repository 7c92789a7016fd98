using System.Text;

namespace MailStack.Sink.Imap;

/// <summary>
/// A cursor over one command as read: text (the lines, without their literal markers) and the
/// literals between them. Each command parses its own arguments with it; malformed input throws
/// <see cref="ImapSyntaxException"/>, which the session answers with BAD.
/// </summary>
internal sealed class ImapArguments(IReadOnlyList<object> parts)
{
    private int _part;
    private int _position;

    /// <summary>Characters that end an atom (RFC 3501 atom-specials, without the ones list-mailbox allows).</summary>
    private const string AtomSpecials = "(){ %*\"\\]";

    public bool AtEnd => _part == parts.Count - 1 && _position >= Text.Length;

    private string Text => parts[_part] as string ?? "";

    private bool AtLiteral => _position >= Text.Length && _part + 1 < parts.Count && parts[_part + 1] is byte[];

    public static bool IsTag(string tag) => tag.Length > 0 && tag.All(c => c > ' ' && c < 127 && !"(){%*\"\\+".Contains(c));

    public char? Peek() => _position < Text.Length ? Text[_position] : AtLiteral ? '{' : null;

    public bool TryConsume(char c)
    {
        if (_position < Text.Length && Text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    public void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw new ImapSyntaxException(c == ' ' ? "Missing argument" : $"Expected '{c}'");
        }
    }

    public void Space() => Expect(' ');

    /// <summary>Fails unless every argument was consumed.</summary>
    public void End()
    {
        if (!AtEnd)
        {
            throw new ImapSyntaxException("Unexpected extra arguments");
        }
    }

    /// <summary>An atom; <paramref name="also"/> lists atom-specials accepted here (e.g. "]" in sections).</summary>
    public string Atom(string also = "")
    {
        var start = _position;
        while (_position < Text.Length && IsAtomChar(Text[_position], also))
        {
            _position++;
        }

        if (_position == start)
        {
            throw new ImapSyntaxException("Expected an atom");
        }

        return Text[start.._position];
    }

    /// <summary>An atom without the ones the caller stops at, e.g. a fetch item name before '['.</summary>
    public string AtomUntil(string stops)
    {
        var start = _position;
        while (_position < Text.Length && IsAtomChar(Text[_position], "") && !stops.Contains(Text[_position]))
        {
            _position++;
        }

        if (_position == start)
        {
            throw new ImapSyntaxException("Expected an atom");
        }

        return Text[start.._position];
    }

    /// <summary>A sequence set's text (digits, ':', ',' and '*'); parsed by <see cref="SequenceSet"/>.</summary>
    public string SequenceSetText()
    {
        var start = _position;
        while (_position < Text.Length && (char.IsAsciiDigit(Text[_position]) || Text[_position] is ':' or ',' or '*'))
        {
            _position++;
        }

        return _position > start ? Text[start.._position] : throw new ImapSyntaxException("Expected a sequence set");
    }

    public string AString() => Encoding.UTF8.GetString(ABytes());

    /// <summary>astring as bytes: an atom, a quoted string or a literal.</summary>
    public byte[] ABytes()
    {
        if (AtLiteral)
        {
            return TakeLiteral();
        }

        if (Peek() == '"')
        {
            return Encoding.UTF8.GetBytes(Quoted());
        }

        return Encoding.UTF8.GetBytes(Atom("]"));
    }

    /// <summary>A quoted string or literal (no atom), e.g. APPEND's message.</summary>
    public byte[] StringBytes()
    {
        if (AtLiteral)
        {
            return TakeLiteral();
        }

        if (Peek() == '"')
        {
            return Encoding.UTF8.GetBytes(Quoted());
        }

        throw new ImapSyntaxException("Expected a string or literal");
    }

    /// <summary>LIST's mailbox pattern: astring, with % and * allowed in atoms.</summary>
    public string ListMailbox()
    {
        if (AtLiteral || Peek() == '"')
        {
            return AString();
        }

        var start = _position;
        while (_position < Text.Length && (IsAtomChar(Text[_position], "]") || Text[_position] is '%' or '*'))
        {
            _position++;
        }

        if (_position == start)
        {
            throw new ImapSyntaxException("Expected a mailbox pattern");
        }

        return Text[start.._position];
    }

    public string Quoted()
    {
        Expect('"');
        var value = new StringBuilder();
        while (_position < Text.Length)
        {
            var c = Text[_position++];
            if (c == '"')
            {
                return value.ToString();
            }

            if (c == '\\')
            {
                if (_position >= Text.Length || Text[_position] is not ('"' or '\\'))
                {
                    throw new ImapSyntaxException("Invalid escape in quoted string");
                }

                c = Text[_position++];
            }

            value.Append(c);
        }

        throw new ImapSyntaxException("Unterminated quoted string");
    }

    /// <summary>A number (RFC 3501 number / nz-number).</summary>
    public uint Number(string stops = "")
    {
        var digits = AtomUntil(stops);
        return uint.TryParse(digits, System.Globalization.NumberStyles.None, null, out var value)
            ? value
            : throw new ImapSyntaxException($"Expected a number, got '{digits}'");
    }

    /// <summary>The raw text of a parenthesised list including nested lists (for echoing it back).</summary>
    public string ParenthesisedText()
    {
        var start = _position;
        Expect('(');
        var depth = 1;
        var quoted = false;
        while (_position < Text.Length && depth > 0)
        {
            var c = Text[_position++];
            if (quoted)
            {
                if (c == '\\')
                {
                    _position++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }
        }

        if (depth > 0)
        {
            throw new ImapSyntaxException("Unterminated list");
        }

        return Text[start.._position];
    }

    private byte[] TakeLiteral()
    {
        var literal = (byte[])parts[++_part];
        _part++;
        _position = 0;
        if (_part >= parts.Count)
        {
            throw new ImapSyntaxException("Command ends inside a literal");
        }

        return literal;
    }

    private static bool IsAtomChar(char c, string also) =>
        c > ' ' && c != 127 && (!AtomSpecials.Contains(c) || also.Contains(c));
}
