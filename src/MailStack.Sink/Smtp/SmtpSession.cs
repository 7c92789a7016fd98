using MailStack.Sink.Client;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MailStack.Sink.Bounces;
using MailStack.Sink.Chaos;
using MailStack.Sink.Hosting;
using MailStack.Sink.Storage;
using Microsoft.AspNetCore.Connections;

namespace MailStack.Sink.Smtp;

/// <summary>Where a session stands in the SMTP dialogue.</summary>
internal enum SmtpState
{
    /// <summary>Greeting sent; EHLO/HELO expected.</summary>
    Connected,

    /// <summary>EHLO/HELO done; MAIL, AUTH or STARTTLS expected.</summary>
    Ready,

    /// <summary>MAIL accepted; RCPT expected.</summary>
    MailFrom,

    /// <summary>At least one RCPT accepted; more RCPT or DATA expected.</summary>
    RcptTo,
}

/// <summary>
/// One SMTP session: an explicit state machine over a stream (plain, or TLS after STARTTLS / on
/// the SMTPS port). Replies are buffered while the client has pipelined commands waiting and
/// flushed before the session would block. A message is stored before its 250 is sent.
/// </summary>
internal sealed partial class SmtpSession
{
    private const int MaxConsecutiveErrors = 20;

    private readonly SmtpOptions _options;
    private readonly MessageStore _store;
    private readonly ChaosEngine _chaos;
    private readonly SinkCertificate _certificate;
    private readonly ILogger _logger;
    private readonly SmtpAuthenticator _authenticator;
    private readonly Regex? _allowedRecipients;
    private readonly StringBuilder _pendingReplies = new();

    private Stream _stream;
    private SmtpReader _reader;
    private bool _isTls;
    private SmtpState _state = SmtpState.Connected;
    private string? _authenticatedUser;
    private string _mailFrom = "";
    private string _helo = "";
    private readonly List<string> _recipients = [];
    private int _consecutiveErrors;

    // RFC 3461 parameters of the transaction, and the bounces chaos ordered for it (kept past the
    // reset at DATA so a data-end rule still counts; cleared by the next MAIL).
    private DsnReturn? _dsnReturn;
    private string? _envelopeId;
    private readonly List<RecipientDsn> _recipientDsn = [];
    private readonly List<BounceOrder> _bounceOrders = [];

    /// <param name="input">Reads the connection; for a plain connection Kestrel's own pipe (no extra copy).</param>
    /// <param name="stream">Writes the connection, and carries TLS after STARTTLS.</param>
    public SmtpSession(PipeReader input, Stream stream, bool isTls, SmtpOptions options, MessageStore store, ChaosEngine chaos, SinkCertificate certificate, ILogger logger)
    {
        _stream = stream;
        _reader = new SmtpReader(input);
        _isTls = isTls;
        _options = options;
        _store = store;
        _chaos = chaos;
        _certificate = certificate;
        _logger = logger;
        _authenticator = new SmtpAuthenticator(options);
        _allowedRecipients = options.AllowedRecipientPattern is { Length: > 0 } pattern
            ? UserPattern.Compile(pattern)
            : null;
    }

    public string RemoteEndPoint { get; init; } = "";

    /// <summary>Where bounce orders of the chaos engine go once their message is stored.</summary>
    public BounceScheduler? Bounces { get; init; }

    /// <summary>Runs the dialogue until QUIT, disconnect, timeout or <paramref name="cancellationToken"/> (shutdown).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var activity = SmtpTelemetry.Source.StartActivity("smtp session", ActivityKind.Server);
        activity?.SetTag("net.peer", RemoteEndPoint);
        SmtpTelemetry.Sessions.Add(1);
        try
        {
            if (await ChaosAsync(ChaosStage.Connect, null, cancellationToken) is { } refused)
            {
                await ReplyNowAsync(refused, cancellationToken);
                return;
            }

            await ReplyNowAsync($"220 {_options.HostName} ESMTP MailStack.Sink ready", cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                var (status, line) = await ReadCommandAsync(_options.CommandTimeout, cancellationToken);
                if (status == LineStatus.EndOfStream)
                {
                    return;
                }

                if (status == LineStatus.TooLong)
                {
                    if (!await ErrorAsync("500 5.5.2 Error: line too long", cancellationToken))
                    {
                        return;
                    }

                    continue;
                }

                LogCommand(line);
                if (!await DispatchAsync(line, cancellationToken))
                {
                    return;
                }
            }
        }
        catch (TimeoutException)
        {
            await TryReplyAsync("421 4.4.2 Timeout, closing connection");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await TryReplyAsync("421 4.3.2 Service shutting down");
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or ObjectDisposedException or ConnectionAbortedException)
        {
            // The client went away or broke TLS; nothing half-received was stored.
            _logger.LogDebug(ex, "SMTP session {Remote} ended abruptly", RemoteEndPoint);
        }
    }

    private async Task<bool> DispatchAsync(string line, CancellationToken cancellationToken)
    {
        var (verb, argument) = SplitCommand(line);
        switch (verb)
        {
            case "EHLO":
            case "HELO":
                return await HandleHeloAsync(verb, argument, cancellationToken);
            case "STARTTLS":
                return await HandleStartTlsAsync(argument, cancellationToken);
            case "AUTH":
                return await HandleAuthAsync(argument, cancellationToken);
            case "MAIL":
                return await HandleMailAsync(argument, cancellationToken);
            case "RCPT":
                return await HandleRcptAsync(argument, cancellationToken);
            case "DATA":
                return await HandleDataAsync(argument, cancellationToken);
            case "RSET":
                ResetTransaction();
                return await OkAsync("250 2.0.0 Ok", cancellationToken);
            case "NOOP":
                return await OkAsync("250 2.0.0 Ok", cancellationToken);
            case "VRFY":
                return await OkAsync("252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery", cancellationToken);
            case "HELP":
                return await OkAsync("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS AUTH", cancellationToken);
            case "QUIT":
                await ReplyNowAsync("221 2.0.0 Bye", cancellationToken);
                return false;
            case "":
                return await ErrorAsync("500 5.5.2 Error: bad syntax", cancellationToken);
            default:
                return await ErrorAsync("500 5.5.2 Error: command not recognized", cancellationToken);
        }
    }

    private async Task<bool> HandleHeloAsync(string verb, string domain, CancellationToken cancellationToken)
    {
        if (domain.Length == 0)
        {
            return await ErrorAsync($"501 5.5.4 Syntax: {verb} hostname", cancellationToken);
        }

        if (await ChaosAsync(ChaosStage.Ehlo, domain, cancellationToken) is { } injected)
        {
            return await ReplyInjectedAsync(injected, cancellationToken);
        }

        ResetTransaction();
        _state = SmtpState.Ready;
        _helo = domain;
        if (verb == "HELO")
        {
            return await OkAsync($"250 {_options.HostName}", cancellationToken);
        }

        var lines = new List<string>
        {
            $"{_options.HostName} greets {domain}",
            $"SIZE {_options.MaxMessageSize}",
            "8BITMIME",
            "SMTPUTF8",
            "PIPELINING",
            "ENHANCEDSTATUSCODES",
            "DSN",
        };
        if (!_isTls && _certificate.Certificate is not null)
        {
            lines.Add("STARTTLS");
        }

        if (_options.EnableAuth)
        {
            lines.Add("AUTH " + string.Join(' ', SmtpAuthenticator.Mechanisms));
        }

        lines.Add("HELP");
        var reply = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            reply.Append("250").Append(i == lines.Count - 1 ? ' ' : '-').Append(lines[i]);
            if (i < lines.Count - 1)
            {
                reply.Append("\r\n");
            }
        }

        return await OkAsync(reply.ToString(), cancellationToken);
    }

    private async Task<bool> HandleStartTlsAsync(string argument, CancellationToken cancellationToken)
    {
        if (argument.Length > 0)
        {
            return await ErrorAsync("501 5.5.4 Syntax: STARTTLS", cancellationToken);
        }

        if (_isTls)
        {
            return await ErrorAsync("503 5.5.1 Error: TLS already active", cancellationToken);
        }

        if (_certificate.Certificate is null)
        {
            return await ErrorAsync("502 5.5.1 Error: STARTTLS not available", cancellationToken);
        }

        await ReplyNowAsync("220 2.0.0 Ready to start TLS", cancellationToken);
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        using (var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            handshakeTimeout.CancelAfter(_options.CommandTimeout);
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = _certificate.Context,
                ClientCertificateRequired = false,
            }, handshakeTimeout.Token);
        }

        // RFC 3207: forget everything learnt before TLS, including anything the client pipelined.
        _stream = tls;
        _reader = new SmtpReader(PipeReader.Create(tls, new StreamPipeReaderOptions(leaveOpen: true)));
        _isTls = true;
        _state = SmtpState.Connected;
        _authenticatedUser = null;
        ResetTransaction();
        return true;
    }

    private async Task<bool> HandleAuthAsync(string argument, CancellationToken cancellationToken)
    {
        if (!_options.EnableAuth)
        {
            return await ErrorAsync("502 5.5.1 Error: authentication not enabled", cancellationToken);
        }

        if (_state == SmtpState.Connected)
        {
            return await ErrorAsync("503 5.5.1 Error: send EHLO first", cancellationToken);
        }

        if (_authenticatedUser is not null)
        {
            return await ErrorAsync("503 5.5.1 Error: already authenticated", cancellationToken);
        }

        if (_state != SmtpState.Ready)
        {
            return await ErrorAsync("503 5.5.1 Error: AUTH not permitted during a mail transaction", cancellationToken);
        }

        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return await ErrorAsync("501 5.5.4 Syntax: AUTH mechanism", cancellationToken);
        }

        var mechanism = parts[0].ToUpperInvariant();
        var initial = parts.Length > 1 ? parts[1] : null;
        var outcome = mechanism switch
        {
            "PLAIN" => await AuthPlainAsync(initial, cancellationToken),
            "LOGIN" => await AuthLoginAsync(initial, cancellationToken),
            "CRAM-MD5" => await AuthCramMd5Async(cancellationToken),
            _ => AuthOutcome.Fail("504 5.5.4 Error: unrecognized authentication mechanism"),
        };

        if (outcome.Disconnected)
        {
            return false;
        }

        if (outcome.Error is not null)
        {
            return await ErrorAsync(outcome.Error, cancellationToken);
        }

        if (await ChaosAsync(ChaosStage.Auth, outcome.User, cancellationToken) is { } injected)
        {
            return await ReplyInjectedAsync(injected, cancellationToken);
        }

        if (!outcome.PreVerified && !_authenticator.Check(outcome.User!, outcome.Password!))
        {
            return await ErrorAsync("535 5.7.8 Error: authentication failed", cancellationToken);
        }

        _authenticatedUser = outcome.User;
        return await OkAsync("235 2.7.0 Authentication successful", cancellationToken);
    }

    private async Task<AuthOutcome> AuthPlainAsync(string? initial, CancellationToken cancellationToken)
    {
        var (failure, decoded) = await ReadSaslResponseAsync("334 ", initial, cancellationToken);
        if (failure is { } f)
        {
            return f;
        }

        var fields = decoded.Split('\0');
        return fields.Length == 3
            ? AuthOutcome.Credentials(fields[1], fields[2])
            : AuthOutcome.Fail("501 5.5.2 Error: invalid PLAIN response");
    }

    private async Task<AuthOutcome> AuthLoginAsync(string? initial, CancellationToken cancellationToken)
    {
        var (userFailure, user) = await ReadSaslResponseAsync("334 VXNlcm5hbWU6", initial, cancellationToken);
        if (userFailure is { } f)
        {
            return f;
        }

        var (passwordFailure, password) = await ReadSaslResponseAsync("334 UGFzc3dvcmQ6", null, cancellationToken);
        return passwordFailure ?? AuthOutcome.Credentials(user, password);
    }

    private async Task<AuthOutcome> AuthCramMd5Async(CancellationToken cancellationToken)
    {
        var challenge = $"<{RandomNumberGenerator.GetInt32(int.MaxValue)}.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}@{_options.HostName}>";
        var (failure, decoded) = await ReadSaslResponseAsync("334 " + Convert.ToBase64String(Encoding.ASCII.GetBytes(challenge)), null, cancellationToken);
        if (failure is { } f)
        {
            return f;
        }

        var space = decoded.LastIndexOf(' ');
        if (space <= 0)
        {
            return AuthOutcome.Fail("501 5.5.2 Error: invalid CRAM-MD5 response");
        }

        var user = decoded[..space];
        return _authenticator.CheckCramMd5(user, challenge, decoded[(space + 1)..])
            ? AuthOutcome.Verified(user)
            : AuthOutcome.Fail("535 5.7.8 Error: authentication failed");
    }

    /// <summary>
    /// One SASL step: the initial response if the client sent one, else the answer to
    /// <paramref name="challenge"/>; "*" cancels, and the answer must be base64.
    /// </summary>
    /// <returns>A failure outcome, or the decoded response.</returns>
    private async Task<(AuthOutcome? Failure, string Decoded)> ReadSaslResponseAsync(string challenge, string? initial, CancellationToken cancellationToken)
    {
        var response = initial;
        if (response is null)
        {
            await ReplyNowAsync(challenge, cancellationToken);
            var (status, line) = await ReadCommandAsync(_options.CommandTimeout, cancellationToken);
            if (status == LineStatus.EndOfStream)
            {
                return (AuthOutcome.Gone, "");
            }

            response = status == LineStatus.TooLong ? "!" : line; // too long fails decoding with a clear error
        }

        if (response == "*")
        {
            return (AuthOutcome.Fail("501 5.7.0 Authentication cancelled"), "");
        }

        return SmtpAuthenticator.TryDecodeBase64(response, out var decoded)
            ? (null, decoded)
            : (AuthOutcome.Fail("501 5.5.2 Error: invalid base64 data"), "");
    }

    private async Task<bool> HandleMailAsync(string argument, CancellationToken cancellationToken)
    {
        if (_state == SmtpState.Connected)
        {
            return await ErrorAsync("503 5.5.1 Error: send HELO/EHLO first", cancellationToken);
        }

        if (_state != SmtpState.Ready)
        {
            return await ErrorAsync("503 5.5.1 Error: nested MAIL command", cancellationToken);
        }

        if (_options.RequireTls && !_isTls)
        {
            return await ErrorAsync("530 5.7.0 Must issue a STARTTLS command first", cancellationToken);
        }

        if (_options.RequireAuth && _authenticatedUser is null)
        {
            return await ErrorAsync("530 5.7.0 Authentication required", cancellationToken);
        }

        if (!TryParsePath(argument, "FROM:", out var address, out var parameters))
        {
            return await ErrorAsync("501 5.5.4 Syntax: MAIL FROM:<address>", cancellationToken);
        }

        if (EsmtpParameters.ParseMail(parameters, _options.MaxMessageSize, out var ret, out var envelopeId) is { } invalid)
        {
            return await ErrorAsync(invalid, cancellationToken);
        }

        _bounceOrders.Clear();
        if (await ChaosAsync(ChaosStage.Mail, address, cancellationToken) is { } injected)
        {
            return await ReplyInjectedAsync(injected, cancellationToken);
        }

        _mailFrom = address;
        _dsnReturn = ret;
        _envelopeId = envelopeId;
        _state = SmtpState.MailFrom;
        return await OkAsync("250 2.1.0 Ok", cancellationToken);
    }

    private async Task<bool> HandleRcptAsync(string argument, CancellationToken cancellationToken)
    {
        if (_state is not (SmtpState.MailFrom or SmtpState.RcptTo))
        {
            return await ErrorAsync("503 5.5.1 Error: need MAIL command", cancellationToken);
        }

        if (!TryParsePath(argument, "TO:", out var address, out var parameters) || address.Length == 0)
        {
            return await ErrorAsync("501 5.5.4 Syntax: RCPT TO:<address>", cancellationToken);
        }

        if (EsmtpParameters.ParseRcpt(address, parameters, out var dsn) is { } invalid)
        {
            return await ErrorAsync(invalid, cancellationToken);
        }

        if (_recipients.Count >= _options.MaxRecipients)
        {
            return await ErrorAsync("452 4.5.3 Error: too many recipients", cancellationToken);
        }

        if (_allowedRecipients is not null && !_allowedRecipients.IsMatch(address))
        {
            return await ErrorAsync($"550 5.1.0 <{address}>: Recipient address rejected", cancellationToken);
        }

        if (await ChaosAsync(ChaosStage.Rcpt, address, cancellationToken) is { } injected)
        {
            return await ReplyInjectedAsync(injected, cancellationToken);
        }

        _recipients.Add(address);
        _recipientDsn.Add(dsn);
        _state = SmtpState.RcptTo;
        return await OkAsync("250 2.1.5 Ok", cancellationToken);
    }

    private async Task<bool> HandleDataAsync(string argument, CancellationToken cancellationToken)
    {
        if (argument.Length > 0)
        {
            return await ErrorAsync("501 5.5.4 Syntax: DATA", cancellationToken);
        }

        if (_state != SmtpState.RcptTo)
        {
            return await ErrorAsync(_state == SmtpState.MailFrom ? "503 5.5.1 Error: need RCPT command" : "503 5.5.1 Error: need MAIL command", cancellationToken);
        }

        if (await ChaosAsync(ChaosStage.Data, null, cancellationToken) is { } injected)
        {
            return await ReplyInjectedAsync(injected, cancellationToken);
        }

        await ReplyNowAsync("354 End data with <CR><LF>.<CR><LF>", cancellationToken);
        var dataStarted = DateTimeOffset.UtcNow;
        using var body = new MemoryStream();
        DataStatus status;
        using (var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            stall.CancelAfter(_options.DataTimeout);
            try
            {
                status = await _reader.ReadDataAsync(body, _options.MaxMessageSize, stall.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException("DATA stalled");
            }
        }

        var envelope = new Envelope(_mailFrom, [.. _recipients]) { Dsn = new EnvelopeDsn(_dsnReturn, _envelopeId, [.. _recipientDsn]), Helo = _helo };
        ResetTransaction();
        // Read before the message's span starts: a traceparent header puts the span in the sender's trace.
        (byte[] Raw, MessageSummaryFields Summary)? prepared = status == DataStatus.Complete
            ? MessageIngestion.Prepare(envelope, body.GetBuffer(), (int)body.Length, _options.HostName)
            : null;
        using var activity = SmtpTelemetry.StartMessage(prepared?.Summary.TraceParent, dataStarted);
        if (status == DataStatus.EndOfStream)
        {
            SmtpTelemetry.MessagesRejected.Add(1);
            return false; // disconnected mid-DATA: nothing is stored
        }

        if (status == DataStatus.TooLarge)
        {
            SmtpTelemetry.MessagesRejected.Add(1);
            return await ErrorAsync("552 5.3.4 Error: message too large", cancellationToken);
        }

        if (await ChaosAsync(ChaosStage.DataEnd, envelope.From, cancellationToken) is { } rejected)
        {
            SmtpTelemetry.MessagesRejected.Add(1);
            return await ReplyInjectedAsync(rejected, cancellationToken);
        }

        var (raw, summary) = prepared!.Value;
        var stored = _store.Add(envelope, raw, summary, _authenticatedUser);
        activity?.SetTag("mailstack.message.id", stored.Id);
        SmtpTelemetry.MessagesAccepted.Add(1);
        SmtpTelemetry.BytesAccepted.Add(raw.Length);
        if (_bounceOrders.Count > 0)
        {
            Bounces?.Submit(stored, [.. _bounceOrders]);
            _bounceOrders.Clear();
        }

        return await OkAsync($"250 2.0.0 Ok: queued as {stored.Id}", cancellationToken);
    }

    private void ResetTransaction()
    {
        _mailFrom = "";
        _recipients.Clear();
        _dsnReturn = null;
        _envelopeId = null;
        _recipientDsn.Clear();
        if (_state is SmtpState.MailFrom or SmtpState.RcptTo)
        {
            _state = SmtpState.Ready;
        }
    }

    /// <summary>Runs the chaos engine for a stage; a delay is served here, a reply or disconnect is returned.</summary>
    private async Task<ChaosDecision?> ChaosAsync(ChaosStage stage, string? address, CancellationToken cancellationToken)
    {
        if (!_chaos.IsActive || _chaos.Evaluate(stage, address) is not { } decision)
        {
            return null;
        }

        if (decision.Action == ChaosAction.Bounce)
        {
            // Accepted now; the report follows once the message is stored.
            _bounceOrders.Add(new BounceOrder(stage == ChaosStage.Rcpt ? address : null, decision.Bounce ?? new ChaosBounce(), decision.Delay));
            return null;
        }

        if (decision.Delay > TimeSpan.Zero)
        {
            await FlushAsync(cancellationToken);
            await Task.Delay(decision.Delay, cancellationToken);
        }

        return decision.Action == ChaosAction.Delay ? null : decision;
    }

    private Task<bool> ReplyInjectedAsync(ChaosDecision decision, CancellationToken cancellationToken) =>
        decision.Action == ChaosAction.Disconnect
            ? Task.FromResult(false)
            : OkAsync(decision.Reply!, cancellationToken);

    private async Task ReplyNowAsync(ChaosDecision decision, CancellationToken cancellationToken)
    {
        if (decision.Action != ChaosAction.Disconnect)
        {
            await ReplyNowAsync(decision.Reply!, cancellationToken);
        }
    }

    /// <summary>Queues a reply (flushed before the next blocking read); the session goes on.</summary>
    private Task<bool> OkAsync(string reply, CancellationToken cancellationToken)
    {
        _consecutiveErrors = 0;
        _pendingReplies.Append(reply).Append("\r\n");
        return Task.FromResult(true);
    }

    /// <summary>Queues an error reply; too many in a row ends the session (a client talking nonsense).</summary>
    private async Task<bool> ErrorAsync(string reply, CancellationToken cancellationToken)
    {
        _pendingReplies.Append(reply).Append("\r\n");
        if (++_consecutiveErrors < MaxConsecutiveErrors)
        {
            return true;
        }

        await ReplyNowAsync("421 4.7.0 Too many errors, closing connection", cancellationToken);
        return false;
    }

    private async Task ReplyNowAsync(string reply, CancellationToken cancellationToken)
    {
        _pendingReplies.Append(reply).Append("\r\n");
        await FlushAsync(cancellationToken);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_pendingReplies.Length == 0)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(_pendingReplies.ToString());
        _pendingReplies.Clear();
        await _stream.WriteAsync(bytes, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    private async Task TryReplyAsync(string reply)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await ReplyNowAsync(reply, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or NotSupportedException)
        {
            // The connection is already gone.
        }
    }

    private async Task<(LineStatus Status, string Line)> ReadCommandAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(timeout);
        try
        {
            return await _reader.ReadLineAsync(_options.MaxCommandLineLength, () => FlushAsync(cancellationToken), idle.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("command timeout");
        }
    }

    private static (string Verb, string Argument) SplitCommand(string line)
    {
        var trimmed = line.Trim();
        var space = trimmed.IndexOf(' ');
        return space < 0
            ? (trimmed.ToUpperInvariant(), "")
            : (trimmed[..space].ToUpperInvariant(), trimmed[(space + 1)..].Trim());
    }

    /// <summary>Parses <c>FROM:&lt;addr&gt; PARAM=…</c>; an empty path (&lt;&gt;) is the null sender.</summary>
    private static bool TryParsePath(string argument, string keyword, out string address, out string[] parameters)
    {
        address = "";
        parameters = [];
        if (!argument.StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = argument[keyword.Length..].TrimStart();
        if (rest.StartsWith('<'))
        {
            var close = rest.IndexOf('>', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            address = rest[1..close];
            parameters = rest[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        else
        {
            // Lenient: some clients omit the angle brackets.
            var parts = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                return false;
            }

            address = parts[0];
            parameters = parts[1..];
        }

        // Source routes (@a,@b:user@host) are obsolete; keep the mailbox.
        var colon = address.LastIndexOf(':');
        if (address.StartsWith('@') && colon > 0)
        {
            address = address[(colon + 1)..];
        }

        return !address.Any(char.IsWhiteSpace);
    }

    private void LogCommand(string line)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var shown = line.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase) ? "AUTH ***" : line;
            _logger.LogDebug("SMTP {Remote} C: {Command}", RemoteEndPoint, shown.Length > 200 ? shown[..200] + "…" : shown);
        }
    }

    private readonly record struct AuthOutcome(string? User, string? Password, string? Error, bool Disconnected, bool PreVerified)
    {
        public static AuthOutcome Gone => new(null, null, null, true, false);

        public static AuthOutcome Fail(string error) => new(null, null, error, false, false);

        public static AuthOutcome Credentials(string user, string password) => new(user, password, null, false, false);

        public static AuthOutcome Verified(string user) => new(user, "", null, false, true);
    }
}
