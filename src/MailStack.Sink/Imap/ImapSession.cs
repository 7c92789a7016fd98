using System.Diagnostics;
using System.IO.Pipelines;
using System.Security.Authentication;
using MailStack.Sink.Chaos;
using MailStack.Sink.Client;
using MailStack.Sink.Hosting;
using MailStack.Sink.Smtp;
using MailStack.Sink.Storage;
using Microsoft.AspNetCore.Connections;

namespace MailStack.Sink.Imap;

/// <summary>
/// One IMAP session: an explicit state machine (not authenticated → authenticated → selected →
/// logout) over a stream, plain or TLS (after STARTTLS, or on the IMAPS port). Responses are
/// buffered and flushed before the session blocks, so pipelined commands are answered in order.
/// The selected folder's changes (new mail, expunges, flags) are sent as untagged responses after
/// commands, at NOOP and, pushed as they happen, during IDLE.
/// </summary>
internal sealed partial class ImapSession
{
    private const int MaxConsecutiveErrors = 20;

    private readonly ImapOptions _options;
    private readonly string _hostName;
    private readonly MailboxDirectory _directory;
    private readonly ChaosEngine _chaos;
    private readonly SinkCertificate _certificate;
    private readonly ILogger _logger;

    private Stream _stream;
    private ImapCommandReader _reader;
    private readonly ImapResponseWriter _out;
    private bool _isTls;
    private ImapState _state = ImapState.NotAuthenticated;
    private MailAccount? _account;
    private SelectedFolder? _selected;
    private int _consecutiveErrors;
    private Activity? _activity;

    public ImapSession(PipeReader input, Stream stream, bool isTls, MailSinkOptions options, MailboxDirectory directory, ChaosEngine chaos, SinkCertificate certificate, ILogger logger)
    {
        _options = options.Imap;
        _hostName = options.Smtp.HostName;
        _stream = stream;
        _reader = new ImapCommandReader(input, _options.MaxLiteralSize, _options.MaxCommandLineLength);
        _out = new ImapResponseWriter(stream);
        _isTls = isTls;
        _directory = directory;
        _chaos = chaos;
        _certificate = certificate;
        _logger = logger;
    }

    public string RemoteEndPoint { get; init; } = "";

    /// <summary>Runs the session until LOGOUT, disconnect, auto-logout or <paramref name="cancellationToken"/> (shutdown: <c>* BYE</c>).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var activity = _activity = SmtpTelemetry.Source.StartActivity("imap session", ActivityKind.Server);
        activity?.SetTag("net.peer", RemoteEndPoint);
        ImapTelemetry.Sessions.Add(1);
        try
        {
            _out.Untagged($"OK [{ResponseCode.Capability(Capabilities())}] {_hostName} MailStack.Sink IMAP4rev1 ready");
            while (_state != ImapState.Logout && !cancellationToken.IsCancellationRequested)
            {
                if (!await ReadAndRunCommandAsync(cancellationToken))
                {
                    return;
                }
            }

            await _out.FlushAsync(cancellationToken);
        }
        catch (TimeoutException)
        {
            await TryByeAsync("Autologout; idle for too long");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await TryByeAsync("Server shutting down");
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or ObjectDisposedException or ConnectionAbortedException or InvalidOperationException)
        {
            // The client went away or broke TLS.
            _logger.LogDebug(ex, "IMAP session {Remote} ended abruptly", RemoteEndPoint);
        }
    }

    /// <returns>False when the session must end now (nothing more is sent).</returns>
    private async Task<bool> ReadAndRunCommandAsync(CancellationToken cancellationToken)
    {
        var (status, args, tag) = await WithAutoLogoutAsync(
            token => _reader.ReadCommandAsync(() => _out.FlushAsync(cancellationToken), ContinueLiteralAsync, token), cancellationToken);
        switch (status)
        {
            case CommandStatus.EndOfStream:
                return false;
            case CommandStatus.LineTooLong:
                return await ErrorAsync(tag, ImapCompletion.Bad("Command line too long", ResponseCode.TooBig), cancellationToken);
            case CommandStatus.LiteralRefused:
                return await ErrorAsync(tag, ImapCompletion.Bad($"Literal too large (at most {_options.MaxLiteralSize} bytes)", ResponseCode.TooBig), cancellationToken);
            case CommandStatus.LiteralOverflow:
                _out.Completion(tag, ImapCompletion.Bad($"Literal too large (at most {_options.MaxLiteralSize} bytes)", ResponseCode.TooBig));
                await ByeAsync("Literal too large", cancellationToken);
                return false;
        }

        if (tag == "*")
        {
            return await ErrorAsync("*", ImapCompletion.Bad("Invalid tag"), cancellationToken);
        }

        string name;
        try
        {
            args!.Atom("]"); // the tag
            args.Space();
            name = args.Atom().ToUpperInvariant();
            if (!args.AtEnd)
            {
                args.Space(); // each command parses its arguments from the first one
            }
        }
        catch (ImapSyntaxException)
        {
            return await ErrorAsync(tag, ImapCompletion.Bad("Missing command"), cancellationToken);
        }

        LogCommand(tag, name);
        ImapCompletion completion;
        try
        {
            completion = await DispatchAsync(tag, name, args, cancellationToken);
        }
        catch (ImapSyntaxException ex)
        {
            completion = ImapCompletion.Bad(ex.Message);
        }
        catch (UnsupportedCharsetException)
        {
            completion = ImapCompletion.No("Unsupported charset", ResponseCode.BadCharset);
        }

        if (completion == SessionEnded)
        {
            return false;
        }

        if (completion == SessionContinues)
        {
            return true;
        }

        ImapTelemetry.Commands.Add(1, new KeyValuePair<string, object?>("command", name), new KeyValuePair<string, object?>("status", completion.Status.ToString().ToUpperInvariant()));
        if (_state == ImapState.Selected && !await SyncAsync(allowExpunge: !DefersExpunge(name, args), cancellationToken))
        {
            return false;
        }

        return completion.Status == ImapStatus.Bad
            ? await ErrorAsync(tag, completion, cancellationToken)
            : Ok(tag, completion);
    }

    /// <summary>Stands for "the session ended inside the command" (chaos disconnect, BYE already sent).</summary>
    private static readonly ImapCompletion SessionEnded = ImapCompletion.Bad("session ended");

    /// <summary>Stands for "the command has answered itself" (STARTTLS answers before the handshake).</summary>
    private static readonly ImapCompletion SessionContinues = ImapCompletion.Ok("answered");

    private async Task<ImapCompletion> DispatchAsync(string tag, string name, ImapArguments args, CancellationToken cancellationToken)
    {
        var authenticated = _state is ImapState.Authenticated or ImapState.Selected;
        var selected = _state == ImapState.Selected;
        return name switch
        {
            "CAPABILITY" => Capability(args),
            "NOOP" => Noop(args),
            "LOGOUT" => Logout(args),
            "STARTTLS" or "LOGIN" or "AUTHENTICATE" when authenticated => ImapCompletion.Bad("Already authenticated"),
            "STARTTLS" => await StartTlsAsync(tag, args, cancellationToken),
            "LOGIN" => await LoginAsync(args, cancellationToken),
            "AUTHENTICATE" => await AuthenticateAsync(args, cancellationToken),
            _ when !authenticated && IsKnown(name) => ImapCompletion.Bad("Please log in first"),
            "SELECT" or "EXAMINE" => await SelectAsync(args, readOnly: name == "EXAMINE", cancellationToken),
            "CREATE" => CreateFolder(args),
            "DELETE" => DeleteFolder(args),
            "RENAME" => RenameFolder(args),
            "SUBSCRIBE" or "UNSUBSCRIBE" => Subscribe(args, name == "SUBSCRIBE"),
            "LIST" or "LSUB" => List(args, subscribedOnly: name == "LSUB"),
            "STATUS" => Status(args),
            "NAMESPACE" => Namespace(args),
            "APPEND" => Append(args),
            "IDLE" => await IdleAsync(args, cancellationToken),
            _ when !selected && IsKnown(name) => ImapCompletion.Bad("No mailbox selected"),
            "CHECK" => Noop(args),
            "CLOSE" => Close(args, expunge: true),
            "UNSELECT" => Close(args, expunge: false),
            "EXPUNGE" => Expunge(args, byUid: false),
            "SEARCH" => Search(args, byUid: false),
            "FETCH" => await FetchAsync(args, byUid: false, cancellationToken),
            "STORE" => Store(args, byUid: false),
            "COPY" or "MOVE" => Copy(args, byUid: false, move: name == "MOVE"),
            "UID" => await UidAsync(args, cancellationToken),
            _ => ImapCompletion.Bad("Unknown command"),
        };
    }

    private static bool IsKnown(string name) => name is "SELECT" or "EXAMINE" or "CREATE" or "DELETE" or "RENAME" or "SUBSCRIBE"
        or "UNSUBSCRIBE" or "LIST" or "LSUB" or "STATUS" or "NAMESPACE" or "APPEND" or "IDLE" or "CHECK" or "CLOSE" or "UNSELECT"
        or "EXPUNGE" or "SEARCH" or "FETCH" or "STORE" or "COPY" or "MOVE" or "UID";

    /// <summary>RFC 3501 7.4.1: no EXPUNGE response while answering FETCH, STORE or SEARCH (sequence numbers would shift).</summary>
    private static bool DefersExpunge(string name, ImapArguments args) => name is "FETCH" or "STORE" or "SEARCH";

    private static ImapCompletion Noop(ImapArguments args)
    {
        args.End();
        return ImapCompletion.Ok("NOOP completed");
    }

    private ImapCompletion Logout(ImapArguments args)
    {
        args.End();
        _out.Untagged("BYE MailStack.Sink logging out");
        _state = ImapState.Logout;
        _selected = null;
        return ImapCompletion.Ok("LOGOUT completed");
    }

    /// <summary>
    /// Sends what changed in the selected folder since the client last heard: EXPUNGE (highest
    /// sequence number first, so the numbers stay right), EXISTS, and FETCH FLAGS.
    /// </summary>
    /// <returns>False when the folder is gone or its UIDVALIDITY changed: the session was ended with BYE.</returns>
    private async Task<bool> SyncAsync(bool allowExpunge, CancellationToken cancellationToken)
    {
        if (_selected is not { } view)
        {
            return true;
        }

        var changes = _directory.ChangesSince(view.Folder, view.HighestUid, view.ModSeq, view.ExpungeVersion);
        if (changes.Deleted || changes.UidValidity != view.UidValidity)
        {
            await ByeAsync(changes.Deleted ? "Mailbox deleted" : $"UIDVALIDITY of {view.Folder.Name} changed to {changes.UidValidity}; select it again", cancellationToken);
            return false;
        }

        if (allowExpunge && changes.RemainingUids is { } remaining)
        {
            for (var i = view.Uids.Count - 1; i >= 0; i--)
            {
                if (!remaining.Contains(view.Uids[i]))
                {
                    _out.Raw("* ").Number(i + 1).Raw(" EXPUNGE").Line();
                    view.Uids.RemoveAt(i);
                }
            }

            view.ExpungeVersion = changes.ExpungeVersion;
        }

        if (changes.Added.Count > 0)
        {
            foreach (var entry in changes.Added)
            {
                view.Uids.Add(entry.Uid);
            }

            view.HighestUid = changes.Added[^1].Uid;
            _out.Raw("* ").Number(view.Uids.Count).Raw(" EXISTS").Line();
        }

        foreach (var entry in changes.FlagsChanged)
        {
            if (view.SequenceOf(entry.Uid) is > 0 and var sequence)
            {
                _out.Raw("* ").Number(sequence).Raw(" FETCH (UID ").Number(entry.Uid).Raw(" FLAGS (").Raw(FlagList(entry)).Raw("))").Line();
            }
        }

        view.ModSeq = changes.ModSeq;
        view.Version = changes.Version;
        return true;
    }

    private string Capabilities()
    {
        var capabilities = "IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE UNSELECT NAMESPACE SASL-IR";
        if (_state != ImapState.NotAuthenticated)
        {
            return capabilities;
        }

        if (!_isTls && _certificate.Certificate is not null)
        {
            capabilities += " STARTTLS";
        }

        return capabilities + (LoginDisabled ? " LOGINDISABLED" : " AUTH=PLAIN");
    }

    private bool LoginDisabled => _options.RequireTls && !_isTls;

    private ImapCompletion Capability(ImapArguments args)
    {
        args.End();
        _out.Untagged("CAPABILITY " + Capabilities());
        return ImapCompletion.Ok("CAPABILITY completed");
    }

    /// <summary>Runs the chaos engine for an IMAP stage: a delay is served here; a reply or disconnect is returned.</summary>
    private async Task<ImapCompletion?> ChaosAsync(ChaosStage stage, string? address, CancellationToken cancellationToken)
    {
        if (!_chaos.IsActive || _chaos.Evaluate(stage, address) is not { } decision)
        {
            return null;
        }

        if (decision.Delay > TimeSpan.Zero)
        {
            await _out.FlushAsync(cancellationToken);
            await Task.Delay(decision.Delay, cancellationToken);
        }

        return decision.Action switch
        {
            ChaosAction.Delay => null,
            ChaosAction.Disconnect => SessionEnded,
            _ => ChaosReply(stage, decision.Reply ?? "451 4.0.0 Chaos injected error"),
        };
    }

    /// <summary>A rule's SMTP-style reply ("451 4.3.0 text") as IMAP: 4xx → NO [UNAVAILABLE], 5xx → NO [AUTHENTICATIONFAILED] at login, else NO [CANNOT].</summary>
    private static ImapCompletion ChaosReply(ChaosStage stage, string reply)
    {
        var parts = reply.Split(' ', 3);
        var permanent = parts[0].StartsWith('5');
        var text = parts.Length == 3 ? parts[2] : reply;
        var code = !permanent ? ResponseCode.Unavailable : stage == ChaosStage.ImapLogin ? ResponseCode.AuthenticationFailed : ResponseCode.Cannot;
        return ImapCompletion.No(text, code);
    }

    private bool Ok(string tag, ImapCompletion completion)
    {
        _consecutiveErrors = 0;
        _out.Completion(tag, completion);
        return true;
    }

    /// <summary>Sends a BAD; too many in a row ends the session (a client talking nonsense).</summary>
    private async Task<bool> ErrorAsync(string tag, ImapCompletion completion, CancellationToken cancellationToken)
    {
        _out.Completion(tag, completion);
        if (++_consecutiveErrors < MaxConsecutiveErrors)
        {
            return true;
        }

        await ByeAsync("Too many invalid commands", cancellationToken);
        return false;
    }

    private async Task ByeAsync(string text, CancellationToken cancellationToken)
    {
        _out.Untagged("BYE " + text);
        await _out.FlushAsync(cancellationToken);
        _state = ImapState.Logout;
    }

    private async Task TryByeAsync(string text)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await ByeAsync(text, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or NotSupportedException)
        {
            // The connection is already gone.
        }
    }

    private async ValueTask ContinueLiteralAsync(CancellationToken cancellationToken)
    {
        _out.Raw("+ Ready for literal data").Line();
        await _out.FlushAsync(cancellationToken);
    }

    /// <summary>Runs a read under the auto-logout timer; a silent client gets <see cref="TimeoutException"/>.</summary>
    private async Task<T> WithAutoLogoutAsync<T>(Func<CancellationToken, ValueTask<T>> read, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_options.AutoLogoutTimeout);
        try
        {
            return await read(idle.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("auto-logout");
        }
    }

    private void LogCommand(string tag, string name)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.LogDebug("IMAP {Remote} C: {Tag} {Command}", RemoteEndPoint, tag, name);
        }
    }
}
