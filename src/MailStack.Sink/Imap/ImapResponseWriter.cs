using System.Buffers;
using System.Text;

namespace MailStack.Sink.Imap;

/// <summary>
/// Buffers responses and writes them to the connection: flushed before the session blocks on a
/// read, and whenever a large FETCH has piled up enough. Strings go out quoted when they can,
/// as literals otherwise (line breaks, 8-bit text).
/// </summary>
internal sealed class ImapResponseWriter(Stream stream)
{
    private const int FlushThreshold = 64 * 1024;

    private ArrayBufferWriter<byte> _buffer = new(256);

    public Stream Stream { get; set; } = stream;

    public ImapResponseWriter Raw(string text)
    {
        if (Ascii.IsValid(text))
        {
            Encoding.ASCII.GetBytes(text, _buffer.GetSpan(text.Length));
            _buffer.Advance(text.Length);
        }
        else
        {
            _buffer.Write(Encoding.UTF8.GetBytes(text));
        }

        return this;
    }

    public ImapResponseWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public ImapResponseWriter Number(long value) => Raw(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public ImapResponseWriter Line() => Raw("\r\n"u8);

    /// <summary>A string or NIL.</summary>
    public ImapResponseWriter NString(string? value) => value is null ? Raw("NIL"u8) : String(value);

    public ImapResponseWriter String(string value)
    {
        if (CanQuote(value))
        {
            var span = _buffer.GetSpan((value.Length * 2) + 2);
            var length = 0;
            span[length++] = (byte)'"';
            foreach (var c in value)
            {
                if (c is '"' or '\\')
                {
                    span[length++] = (byte)'\\';
                }

                span[length++] = (byte)c;
            }

            span[length++] = (byte)'"';
            _buffer.Advance(length);
            return this;
        }

        return Literal(Encoding.UTF8.GetBytes(value));
    }

    public ImapResponseWriter Literal(ReadOnlySpan<byte> bytes)
    {
        Raw("{").Number(bytes.Length).Raw("}\r\n");
        _buffer.Write(bytes);
        return this;
    }

    /// <summary><c>* text</c>.</summary>
    public ImapResponseWriter Untagged(string text) => Raw("* ").Raw(text).Line();

    public ImapResponseWriter Completion(string tag, ImapCompletion completion)
    {
        Raw(tag).Raw(completion.Status switch
        {
            ImapStatus.Ok => " OK ",
            ImapStatus.No => " NO ",
            _ => " BAD ",
        });
        if (completion.Code is { } code)
        {
            Raw("[").Raw(code.Text).Raw("] ");
        }

        return Raw(completion.Text).Line();
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.WrittenCount == 0)
        {
            return;
        }

        await Stream.WriteAsync(_buffer.WrittenMemory, cancellationToken);
        if (_buffer.Capacity > 4 * FlushThreshold)
        {
            // A big FETCH is over: give the memory back (idle sessions should stay small).
            _buffer = new ArrayBufferWriter<byte>(256);
        }
        else
        {
            _buffer.ResetWrittenCount();
        }

        await Stream.FlushAsync(cancellationToken);
    }

    /// <summary>Writes out what has piled up once it is large (a long FETCH streams instead of buffering).</summary>
    public ValueTask FlushIfLargeAsync(CancellationToken cancellationToken) =>
        _buffer.WrittenCount >= FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    private static bool CanQuote(string value)
    {
        if (value.Length > 1024)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
