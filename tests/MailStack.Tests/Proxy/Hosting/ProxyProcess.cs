using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace MailStack.Tests.Proxy.Hosting;

/// <summary>A <see cref="TestProxy"/> instance as a process of its own (<c>dotnet exec</c> of the built proxy), which a test may stop or kill.</summary>
internal sealed class ProxyProcess : IProxyReplica
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private ProxyProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

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
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "exec", assembly },
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = baseAddress.ToString();
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var instance = new ProxyProcess(process, baseAddress);
        process.OutputDataReceived += (_, line) => instance.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => instance.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = baseAddress };
            await Eventually.GetAsync<object>(async cancellation =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the proxy exited with {process.ExitCode}:\n{instance.RecentOutput}");
                }

                try
                {
                    using var health = await http.GetAsync("/health", cancellation);
                    return health.StatusCode == HttpStatusCode.OK ? health : null;
                }
                catch (HttpRequestException)
                {
                    return null; // not listening yet
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

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync(CancellationToken.None);
        }

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

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 40)
            {
                _output.Dequeue();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
