using System.Globalization;

namespace MailStack.Tests.Stack;

public sealed class StackHealthTests(StackFixture stack)
{
    [Fact]
    public async Task Every_resource_is_healthy()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var name in StackFixture.ResourceNames)
        {
            // By name, so replicated resources (the proxy runs two) are covered too.
            var state = await stack.App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }
    }

    [Theory]
    [InlineData("sink-tenant1", "MailStack.Sink")]
    [InlineData("echo-tenant1", "MailStack.EchoServer")]
    [InlineData("proxy", "MailStack.Proxy")]
    public async Task A_dotnet_resource_runs_as_its_built_executable_not_under_dotnet_run(string resource, string project)
    {
        // `dotnet run` costs 2–3 s of CPU per resource before the app starts (bench/README.md).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var state = await stack.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        string? Property(string name) => Convert.ToString(state.Snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value, CultureInfo.InvariantCulture);
        var built = Path.Combine(AppHostProject.OutputDirectory(project), project);

        Assert.Equal(built, Property("executable.path"));
        // The project's folder, as under `dotnet run`: the content root the app reads its files from.
        Assert.Equal(Path.GetFullPath(Path.Combine(AppHostProject.Path, "..", project)), Property("executable.workDir"));
        var pid = Property("executable.pid");
        Assert.False(string.IsNullOrEmpty(pid), $"{resource} has no process id");
        // The process itself: a `dotnet run` would show the dotnet host here.
        Assert.Equal(built, new FileInfo($"/proc/{pid}/exe").ResolveLinkTarget(returnFinalTarget: true)?.FullName);
    }
}
