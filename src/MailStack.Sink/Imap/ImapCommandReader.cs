using System.Buffers;
using System.IO.Pipelines;
using System.Text.RegularExpressions;
using MailStack.Sink.Smtp;

namespace MailStack.Sink.Imap;

/// <summary>Outcome of reading one command.</summary>
internal enum CommandStatus
{
    Command,
    LineTooLong,

    /// <summary>A synchronising literal over the limit: refused before the client sent it.</summary>
    LiteralRefused,

    /// <summary>A non-synchronising (LITERAL+) literal over the limit: its bytes are on the way, so the session ends.</summary>
    LiteralOverflow,
    EndOfStream,
}

/// <summary>
/// Reads one IMAP command from a pipe: lines (through <see cref="SmtpReader"/>) and the literals
/// between them. A synchronising literal <c>{n}</c> gets its <c>+</c> continuation first; a
/// non-synchronising one <c>{n+}</c> (LITERAL+) does not. Literals are bounded in size.
/// </summary>
internal sealed partial class ImapCommandReader(PipeReader reader, long maxLiteralSize, int maxLineLength)
{
    private const int MaxParts = 256;

    private readonly SmtpReader _lines = new(reader);

    /// <summary>Reads a bare line (IDLE's DONE, an AUTHENTICATE response).</summary>
    public ValueTask<(LineStatus Status, string Line)> ReadLineAsync(Func<ValueTask> beforeBlocking, CancellationToken cancellationToken) =>
        _lines.ReadLineAsync(maxLineLength, beforeBlocking, cancellationToken);

    /// <param name="beforeBlocking">Flushes pending replies before the session waits for the network.</param>
    /// <param name="continueLiteral">Sends the <c>+</c> continuation for a synchronising literal.</param>
    public async ValueTask<(CommandStatus Status, ImapArguments? Command, string Tag)> ReadCommandAsync(
        Func<ValueTask> beforeBlocking, Func<CancellationToken, ValueTask> continueLiteral, CancellationToken cancellationToken)
    {
        var parts = new List<object>();
        long literalBytes = 0;
        while (true)
        {
            var (status, line) = await _lines.ReadLineAsync(maxLineLength, beforeBlocking, cancellationToken);
            if (status == LineStatus.EndOfStream)
            {
                return (CommandStatus.EndOfStream, null, "");
            }

            if (status == LineStatus.TooLong)
            {
                return (CommandStatus.LineTooLong, null, TagOf(parts));
            }

            var literal = LiteralMarker().Match(line);
            if (!literal.Success)
            {
                parts.Add(line);
                return (CommandStatus.Command, new ImapArguments(parts), TagOf(parts));
            }

            parts.Add(line[..literal.Index]);
            var synchronising = literal.Groups[2].Length == 0;
            if (!long.TryParse(literal.Groups[1].Value, out var size) || (literalBytes += size) > maxLiteralSize || parts.Count > MaxParts)
            {
                return (synchronising ? CommandStatus.LiteralRefused : CommandStatus.LiteralOverflow, null, TagOf(parts));
            }

            if (synchronising)
            {
                await continueLiteral(cancellationToken);
            }

            var bytes = await ReadLiteralAsync((int)size, cancellationToken);
            if (bytes is null)
            {
                return (CommandStatus.EndOfStream, null, "");
            }

            parts.Add(bytes);
        }
    }

    private async ValueTask<byte[]?> ReadLiteralAsync(int size, CancellationToken cancellationToken)
    {
        var bytes = new byte[size];
        var filled = 0;
        while (filled < size)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var take = (int)Math.Min(buffer.Length, size - filled);
            buffer.Slice(0, take).CopyTo(bytes.AsSpan(filled));
            filled += take;
            reader.AdvanceTo(buffer.GetPosition(take));
            if (filled < size && result.IsCompleted)
            {
                return null;
            }
        }

        return bytes;
    }

    private static string TagOf(List<object> parts)
    {
        if (parts.Count == 0 || parts[0] is not string first)
        {
            return "*";
        }

        var space = first.IndexOf(' ');
        var tag = space < 0 ? first : first[..space];
        return ImapArguments.IsTag(tag) ? tag : "*";
    }

    [GeneratedRegex(@"\{(\d{1,12})(\+?)\}$")]
    private static partial Regex LiteralMarker();
}
