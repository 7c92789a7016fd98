using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Cryptography;
using System.Text;
using MailStack.Sink.Client;
using MailStack.Sink.Smtp;

namespace MailStack.Sink.Imap;

/// <summary>STARTTLS, LOGIN and AUTHENTICATE PLAIN (with SASL-IR).</summary>
internal sealed partial class ImapSession
{
    private async Task<ImapCompletion> StartTlsAsync(string tag, ImapArguments args, CancellationToken cancellationToken)
    {
        args.End();
        if (_isTls)
        {
            return ImapCompletion.Bad("TLS is already active");
        }

        if (_certificate.Certificate is null)
        {
            return ImapCompletion.No("STARTTLS is not available", ResponseCode.Cannot);
        }

        _out.Completion(tag, ImapCompletion.Ok("Begin TLS negotiation now"));
        await _out.FlushAsync(cancellationToken);
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        using (var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            handshakeTimeout.CancelAfter(TimeSpan.FromSeconds(30));
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = _certificate.Context,
                ClientCertificateRequired = false,
            }, handshakeTimeout.Token);
        }

        // RFC 3501 6.2.1: anything pipelined before TLS is not trusted; a fresh reader over TLS.
        _stream = tls;
        _out.Stream = tls;
        _reader = new ImapCommandReader(PipeReader.Create(tls, new StreamPipeReaderOptions(leaveOpen: true)), _options.MaxLiteralSize, _options.MaxCommandLineLength);
        _isTls = true;
        return SessionContinues;
    }

    private async Task<ImapCompletion> LoginAsync(ImapArguments args, CancellationToken cancellationToken)
    {
        var user = args.AString();
        args.Space();
        var password = args.AString();
        args.End();
        if (LoginDisabled)
        {
            return ImapCompletion.No("Log in after STARTTLS", ResponseCode.PrivacyRequired);
        }

        return await CompleteLoginAsync(user, password, cancellationToken);
    }

    private async Task<ImapCompletion> AuthenticateAsync(ImapArguments args, CancellationToken cancellationToken)
    {
        var mechanism = args.Atom().ToUpperInvariant();
        string? initial = null;
        if (!args.AtEnd)
        {
            args.Space();
            initial = args.Atom("=");
        }

        args.End();
        if (mechanism != "PLAIN")
        {
            return ImapCompletion.No($"Unsupported authentication mechanism {mechanism}", ResponseCode.Cannot);
        }

        if (LoginDisabled)
        {
            return ImapCompletion.No("Authenticate after STARTTLS", ResponseCode.PrivacyRequired);
        }

        if (initial is null)
        {
            _out.Raw("+ ").Line();
            await _out.FlushAsync(cancellationToken);
            var (status, line) = await WithAutoLogoutAsync(token => _reader.ReadLineAsync(() => ValueTask.CompletedTask, token), cancellationToken);
            if (status == LineStatus.EndOfStream)
            {
                return SessionEnded;
            }

            initial = line.Trim();
        }

        if (initial == "*")
        {
            return ImapCompletion.Bad("Authentication cancelled");
        }

        // "=" is SASL-IR's empty initial response.
        if (initial == "=" || !SmtpAuthenticator.TryDecodeBase64(initial, out var decoded) || decoded.Split('\0') is not [_, var user, var password])
        {
            return ImapCompletion.Bad("Invalid PLAIN response");
        }

        return await CompleteLoginAsync(user, password, cancellationToken);
    }

    private async Task<ImapCompletion> CompleteLoginAsync(string user, string password, CancellationToken cancellationToken)
    {
        if (await ChaosAsync(ChaosStage.ImapLogin, user, cancellationToken) is { } injected)
        {
            return injected;
        }

        if (user.Length == 0 || !PasswordMatches(user, password))
        {
            ImapTelemetry.LoginsFailed.Add(1);
            return ImapCompletion.No("Authentication failed", ResponseCode.AuthenticationFailed);
        }

        _account = _directory.Open(user);
        _state = ImapState.Authenticated;
        _activity?.SetTag("imap.user", user);
        return ImapCompletion.Ok("Logged in", ResponseCode.Capability(Capabilities()));
    }

    /// <summary>Any password when no users are configured; otherwise the configured one.</summary>
    private bool PasswordMatches(string user, string password) =>
        _options.Users.Count == 0
        || (_options.Users.TryGetValue(user, out var expected)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(password)));
}
