using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace MailStack.Sink.Smtp;

/// <summary>Outcome of reading one command line.</summary>
internal enum LineStatus
{
    Line,
    TooLong,
    EndOfStream,
}

/// <summary>Outcome of reading a DATA body.</summary>
internal enum DataStatus
{
    Complete,
    TooLarge,
    EndOfStream,
}

/// <summary>
/// Reads SMTP command lines and DATA bodies from a pipe: lines end in CRLF or a bare LF; DATA is
/// dot-unstuffed, line endings normalised to CRLF, and bounded in size while it streams (an
/// oversized body is read to its end and discarded, so the connection stays usable).
/// </summary>
internal sealed class SmtpReader(PipeReader reader)
{
    /// <summary>A partial DATA line longer than this is consumed without waiting for its end.</summary>
    private const int MaxBufferedPartialLine = 64 * 1024;

    /// <param name="beforeBlocking">Called before waiting for the network (flush pending replies then).</param>
    public async ValueTask<(LineStatus Status, string Line)> ReadLineAsync(int maxLength, Func<ValueTask> beforeBlocking, CancellationToken cancellationToken)
    {
        var discarding = false;
        while (true)
        {
            if (!reader.TryRead(out var result))
            {
                await beforeBlocking();
                result = await reader.ReadAsync(cancellationToken);
            }

            var buffer = result.Buffer;
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is { } end)
            {
                var lineBytes = buffer.Slice(0, end);
                var afterLine = buffer.GetPosition(1, end);
                if (discarding || lineBytes.Length > maxLength)
                {
                    reader.AdvanceTo(afterLine);
                    return (LineStatus.TooLong, "");
                }

                var line = Decode(lineBytes);
                reader.AdvanceTo(afterLine);
                return (LineStatus.Line, line);
            }

            if (buffer.Length > maxLength)
            {
                // Drop what is there and keep dropping until the line ends: a 10 MB line never piles up.
                discarding = true;
                reader.AdvanceTo(buffer.End);
            }
            else
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCompleted)
            {
                return (LineStatus.EndOfStream, "");
            }
        }
    }

    public async ValueTask<DataStatus> ReadDataAsync(Stream destination, long maxSize, CancellationToken cancellationToken)
    {
        var atLineStart = true;
        var previousWasCr = false;
        long written = 0;
        var tooLarge = false;

        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            while (true)
            {
                var newline = buffer.PositionOf((byte)'\n');
                if (newline is null)
                {
                    if (buffer.Length > MaxBufferedPartialLine)
                    {
                        // A very long line: take what is there (it cannot be the terminator).
                        var chunk = buffer;
                        if (atLineStart && chunk.FirstSpan[0] == (byte)'.')
                        {
                            chunk = chunk.Slice(1);
                        }

                        Append(chunk, ref written);
                        previousWasCr = chunk.Length > 0 && LastByte(chunk) == (byte)'\r';
                        atLineStart = false;
                        buffer = buffer.Slice(buffer.End);
                    }

                    break;
                }

                var lineEnd = buffer.GetPosition(1, newline.Value);
                var line = buffer.Slice(0, lineEnd);
                buffer = buffer.Slice(lineEnd);

                if (atLineStart && IsTerminator(line))
                {
                    reader.AdvanceTo(buffer.Start);
                    return tooLarge ? DataStatus.TooLarge : DataStatus.Complete;
                }

                if (atLineStart && line.FirstSpan[0] == (byte)'.')
                {
                    line = line.Slice(1); // dot-stuffing
                }

                // Content without its line ending, then a CRLF whatever the client sent.
                var content = line.Slice(0, line.Length - 1);
                if (content.Length > 0 && LastByte(content) == (byte)'\r')
                {
                    content = content.Slice(0, content.Length - 1);
                }
                else if (content.Length == 0 && previousWasCr)
                {
                    // The CR of this line ending already went out with a long partial line.
                    written--;
                    destination.SetLength(Math.Max(0, destination.Length - 1));
                }

                Append(content, ref written);
                Append(Crlf, ref written);
                atLineStart = true;
                previousWasCr = false;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return DataStatus.EndOfStream;
            }
        }

        void Append(ReadOnlySequence<byte> bytes, ref long total)
        {
            total += bytes.Length;
            if (total > maxSize)
            {
                tooLarge = true;
                return;
            }

            foreach (var segment in bytes)
            {
                destination.Write(segment.Span);
            }
        }
    }

    private static readonly ReadOnlySequence<byte> Crlf = new("\r\n"u8.ToArray());

    private static bool IsTerminator(ReadOnlySequence<byte> line) =>
        (line.Length == 3 && line.FirstSpan.Length >= 1 && line.ToArray() is [(byte)'.', (byte)'\r', (byte)'\n'])
        || (line.Length == 2 && line.ToArray() is [(byte)'.', (byte)'\n']);

    private static byte LastByte(ReadOnlySequence<byte> bytes) => bytes.Slice(bytes.Length - 1).FirstSpan[0];

    private static string Decode(ReadOnlySequence<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        return text.EndsWith('\r') ? text[..^1] : text;
    }
}
