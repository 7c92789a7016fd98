using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using System.Diagnostics;

namespace MailStack.AppHost.Infrastructure;

/// <summary>
/// The per-run state folder of local executables (database files, mailboxes, objects).
/// One folder per AppHost process, removed when the AppHost stops; folders left behind by a
/// process that was killed are swept at the next start, so nothing piles up in /tmp. Beside the
/// run folders, <see cref="Shared"/> keeps what every run would make the same way again.
/// </summary>
public sealed class RunDirectory
{
    public const string RootConfigurationKey = "MailStack:StateRoot";
    private const string Prefix = "run-";

    private RunDirectory(string path) => Path = path;

    public string Path { get; }

    public string For(string resourceName) => System.IO.Path.Combine(Path, resourceName);

    /// <summary>A folder kept across runs (beside the run folders, never swept), for a launch script's cache.</summary>
    public string Shared(string name) => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, name);

    /// <summary>
    /// Names this run's folder and sweeps folders of dead AppHosts. The launch scripts create
    /// their own sub-folders, so a model that is built but never started leaves nothing behind.
    /// </summary>
    public static RunDirectory Plan(IDistributedApplicationBuilder builder)
    {
        var root = builder.Configuration[RootConfigurationKey]
            ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mailstack");
        if (Directory.Exists(root))
        {
            SweepAbandoned(root);
        }

        // Kept short: servers put Unix sockets below it, and socket paths are limited to 107 bytes.
        var name = $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..(Prefix.Length + 16)];
        return new RunDirectory(System.IO.Path.Combine(root, name));
    }

    public void Delete()
    {
        if (!Directory.Exists(Path))
        {
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing; the next start sweeps it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void SweepAbandoned(string root)
    {
        foreach (var dir in Directory.EnumerateDirectories(root, Prefix + "*"))
        {
            var name = System.IO.Path.GetFileName(dir);
            var pidText = name[Prefix.Length..].Split('-')[0];
            if (int.TryParse(pidText, out var pid) && !IsAlive(pid))
            {
                new RunDirectory(dir).Delete();
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>Creates the run folder in run mode and removes it when the AppHost stops.</summary>
public static class RunDirectoryBuilderExtensions
{
    /// <returns>The run folder, or null when publishing (no local state is created then).</returns>
    public static RunDirectory? AddRunDirectory(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return null;
        }

        var runDirectory = RunDirectory.Plan(builder);
        builder.Services.AddSingleton(runDirectory);
        builder.Services.AddHostedService<RunDirectoryCleanup>();
        return runDirectory;
    }

    private sealed class RunDirectoryCleanup(RunDirectory runDirectory, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            // ApplicationStopped fires after the orchestrator has stopped every resource.
            lifetime.ApplicationStopped.Register(runDirectory.Delete);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
