using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MailStack.Testing.Bounces;

/// <summary>
/// A real Dovecot IMAP server of the test's own, started with the stack's launch script
/// (<c>dovecot.sh</c>) in a temporary directory: one mailbox, <see cref="User"/>/<see cref="Password"/>,
/// plain IMAP on loopback. Disposal stops it and removes the directory.
/// </summary>
public sealed class DovecotServer : IAsyncDisposable
{
    private readonly string _stateDirectory;
    private readonly List<string> _output = [];
    private Process? _process;

    private DovecotServer(string stateDirectory, int port, string user, string password)
    {
        _stateDirectory = stateDirectory;
        Port = port;
        User = user;
        Password = password;
    }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    public string User { get; }

    public string Password { get; }

    /// <summary>What Dovecot printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(40));
            }
        }
    }

    public static async Task<DovecotServer> StartAsync(string user = "bounces@mailstack.test", CancellationToken cancellationToken = default)
    {
        // Dovecot reads its port from its config, so the port is chosen before Dovecot binds it, and
        // another process may take it meanwhile (seen with tests side by side): then another port.
        for (var attempt = 1; ; attempt++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "mailstack-test-dovecot", Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(directory);
            var server = new DovecotServer(directory, FreePort(), user, Guid.NewGuid().ToString("N"));
            try
            {
                await server.StartProcessAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 5 && server.Output.Contains("Address already in use", StringComparison.Ordinal))
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Stops Dovecot (the mail stays) and starts it again on the same port, e.g. to test reconnects.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopProcessAsync();
        await StartProcessAsync(cancellationToken);
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "dovecot.sh"), _stateDirectory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["IMAP_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["BOUNCE_USER"] = User;
        start.Environment["BOUNCE_PASSWORD"] = Password;
        var process = _process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await Eventually.GetAsync<object>(async cancellation =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"dovecot exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, cancellation);
                using var reader = new StreamReader(client.GetStream());
                var greeting = await reader.ReadLineAsync(cancellation);
                return greeting?.StartsWith("* OK", StringComparison.Ordinal) == true ? greeting : null;
            }
            catch (SocketException)
            {
                return null; // not listening yet
            }
        }, $"dovecot to greet on port {Port}", TimeSpan.FromSeconds(30), () => Output);
    }

    private async Task StopProcessAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            // SIGTERM to every Dovecot process at once, as systemd stops the service (the script
            // exec'd dovecot -F, so the PID is the master's). To the master alone, an IMAP process in
            // IDLE went on for another 10–30 s before its BYE, and held the output pipe open that long;
            // told itself, it says BYE and exits within a second or two.
            await ProcessTrees.TerminateAsync(ProcessTrees.ChildrenOf(process.Id).Prepend(process.Id));

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }

        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still held open by an exiting child; the temp directory is swept by the OS.
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
