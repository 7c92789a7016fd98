using System.Diagnostics;

namespace MailStack.AppHost.Infrastructure;

/// <summary>How the stack's infrastructure (PostgreSQL, S3, Dovecot) is run.</summary>
public enum InfrastructureMode
{
    /// <summary>Containers when a container runtime answers, else local executables.</summary>
    Auto,
    Containers,
    Local,
}

/// <summary>
/// Chooses the infrastructure mode up front: without a runtime a container resource sits in
/// RuntimeUnhealthy forever and everything that waits for it never starts.
/// </summary>
public static class InfrastructureModeResolver
{
    public const string ConfigurationKey = "MailStack:Infrastructure";
    private static readonly TimeSpan RuntimeProbeTimeout = TimeSpan.FromSeconds(5);

    public static InfrastructureMode Resolve(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration[ConfigurationKey];
        var mode = Parse(configured);
        if (mode != InfrastructureMode.Auto)
        {
            return mode;
        }

        var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"];
        var candidates = string.IsNullOrWhiteSpace(runtime) ? ["docker", "podman"] : new[] { runtime };
        return candidates.Any(ContainerRuntimeAnswers) ? InfrastructureMode.Containers : InfrastructureMode.Local;
    }

    public static InfrastructureMode Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => InfrastructureMode.Auto,
        "containers" or "container" or "docker" => InfrastructureMode.Containers,
        "local" or "executables" => InfrastructureMode.Local,
        _ => throw new InvalidOperationException(
            $"{ConfigurationKey} is '{value}'; expected one of: auto, containers, local."),
    };

    private static bool ContainerRuntimeAnswers(string runtime)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }

            // Drain output so a chatty runtime cannot block on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(RuntimeProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // the CLI is not installed
        }
    }
}
