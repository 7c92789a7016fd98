using System.Diagnostics;
using static MailStack.Testing.SinkTestKit;

namespace MailStack.Sink.Tests;

/// <summary>Python's smtplib as a second, independent SMTP client.</summary>
public sealed class PythonClientTests
{
    [Theory]
    [InlineData("plain", false)]
    [InlineData("starttls", true)]
    [InlineData("ssl", true)]
    public async Task Smtplib_delivers(string mode, bool authenticate)
    {
        await using var sink = await StartSinkAsync(o =>
        {
            o.Smtp.TlsPort = 0;
            o.Smtp.Users["py"] = "thon";
        });
        using var api = ClientFor(sink);
        var to = api.NewAddress($"smtplib-{mode}");
        var port = mode == "ssl" ? sink.SmtpsEndPoint!.Port : sink.SmtpPort;
        string[] credentials = authenticate ? ["py", "thon"] : [];

        var (exitCode, output) = await RunPythonAsync(["smtplib_client.py", mode, sink.Host, port.ToString(), to, $"smtplib {mode}", .. credentials]);

        Assert.True(exitCode == 0, output);
        var stored = await api.WaitForMessageAsync(MailSinkClient.To(to), cancellationToken: Cancellation);
        Assert.Equal($"smtplib {mode}", stored.Subject);
        Assert.Equal("Sent by smtplib\n.leading dot survives", stored.Text.ReplaceLineEndings("\n").TrimEnd('\n'));
        Assert.Equal(authenticate ? "py" : "", (await api.SearchAsync(MailSinkClient.To(to), cancellationToken: Cancellation)).Single().Username);
    }

    [Fact]
    public async Task Smtplib_login_with_a_wrong_password_fails()
    {
        await using var sink = await StartSinkAsync(o => o.Smtp.Users["py"] = "thon");
        using var api = ClientFor(sink);
        var (exitCode, output) = await RunPythonAsync(["smtplib_client.py", "starttls", sink.Host, sink.SmtpPort.ToString(), api.NewAddress("x"), "x", "py", "wrong"]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("535", output, StringComparison.Ordinal);
    }

    /// <summary>Runs a script of python/ with the system's python3; also used by the imaplib tests.</summary>
    internal static async Task<(int ExitCode, string Output)> RunPythonAsync(string[] args)
    {
        var start = new ProcessStartInfo("python3")
        {
            WorkingDirectory = Path.Combine(AppContext.BaseDirectory, "python"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
