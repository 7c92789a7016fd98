using System.Diagnostics;
using System.Text;

namespace MailStack.Tests.Infrastructure;

/// <summary>Runs the dotnet CLI as a child process, bounded in time, capturing its output.</summary>
public static class DotnetProcess
{
    public sealed record Result(int ExitCode, string Output);

    /// <param name="environment">Variables set for the child on top of this process's own.</param>
    public static async Task<Result> RunAsync(IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
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

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
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
