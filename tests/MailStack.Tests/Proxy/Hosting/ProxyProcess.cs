using System.Diagnostics;

namespace MailStack.Tests.Proxy.Hosting;

/// <summary>A <see cref="TestProxy"/> instance as a process of its own (<c>dotnet exec</c> of the built proxy), which a test may stop or kill.</summary>
internal sealed class ProxyProcess : IProxyReplica
{
    /// <summary>Enough to hold the first failure and its stack trace, not only the teardown after it.</summary>
    private const int KeptLines = 200;

    /// <summary>What Kestrel logs (Microsoft.Hosting.Lifetime, information) once it listens.</summary>
    private const string ListeningLine = "Now listening on: ";

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ProxyProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Where the instance listens: the port the system gave it, as Kestrel logged it (a started instance has).</summary>
    public Uri BaseAddress => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException("the proxy is not listening yet");

    /// <summary>The last lines the instance wrote, for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <param name="settings">The whole configuration by key, passed as environment variables.</param>
    public static async Task<ProxyProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var assembly = Path.Combine(AppHostProject.OutputDirectory("MailStack.Proxy"), "MailStack.Proxy.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "exec", assembly },
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Port 0: the system picks a free port as Kestrel binds. A port found free beforehand could be
        // taken by another test before the proxy bound it, and the proxy then failed to start.
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var instance = new ProxyProcess(process);
        process.OutputDataReceived += (_, line) => instance.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => instance.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient();
            await Eventually.GetAsync<object>(async cancellation =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the proxy exited with {process.ExitCode}:\n{instance.RecentOutput}");
                }

                if (!instance._listening.Task.IsCompletedSuccessfully)
                {
                    return null; // not listening yet
                }

                try
                {
                    using var health = await http.GetAsync(new Uri(instance.BaseAddress, "/health"), cancellation);
                    return health.StatusCode == HttpStatusCode.OK ? health : null;
                }
                catch (HttpRequestException)
                {
                    return null; // not answering yet
                }
            }, "the proxy process to be healthy", TimeSpan.FromSeconds(60), () => instance.RecentOutput);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no graceful shutdown, claims stay taken until their lease runs out.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>SIGTERM, as a container runtime or systemd stops a service; returns the exit code, or null if it had to be killed after 30 s.</summary>
    public async Task<int?> StopAsync()
    {
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }

        await ProcessTrees.TerminateAsync([_process.Id]);

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(grace.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.IndexOf(ListeningLine, StringComparison.Ordinal) is >= 0 and var at)
        {
            _listening.TrySetResult(new Uri(line[(at + ListeningLine.Length)..].Trim()));
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }
    }
}
