using System.Diagnostics;
using System.Text;

namespace MailStack.Tests.Infrastructure;

public static class AppHostProject
{
    public static string Path => Projects.MailStack_AppHost.ProjectPath;

    /// <summary>The configuration this test assembly (and so the AppHost beside it) was built in.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>The folder a project of the repository (e.g. <c>MailStack.Proxy</c>) was built to, beside this test assembly's build.</summary>
    public static string OutputDirectory(string project) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, "..", project, "bin", Configuration, "net10.0"));
}

/// <summary>Runs the dotnet CLI as a child process, bounded in time, capturing its output.</summary>
public static class DotnetProcess
{
    public sealed record Result(int ExitCode, string Output);

    public static async Task<Result> RunAsync(IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start");
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', startInfo.ArgumentList)} did not finish within {timeout}");
        }

        output.Append(await stdout).Append(await stderr);
        return new Result(process.ExitCode, output.ToString());
    }
}
