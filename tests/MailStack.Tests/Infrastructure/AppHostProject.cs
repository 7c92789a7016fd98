namespace MailStack.Tests.Infrastructure;

/// <summary>The AppHost project and what was built beside this test assembly.</summary>
public static class AppHostProject
{
    /// <summary>The project's folder.</summary>
    public static string Path => Projects.MailStack_AppHost.ProjectPath;

    /// <summary>The configuration this test assembly (and so the AppHost beside it) was built in.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>
    /// The setting that builds the model with the ports of <c>dotnet run</c>: Aspire's testing builder
    /// otherwise randomizes them (and the AppHost leaves a sink's unproxied SMTP port to DCP then).
    /// </summary>
    public const string DevPorts = "DcpPublisher:RandomizePorts=false";

    /// <summary>The folder a project of the repository (e.g. <c>MailStack.Proxy</c>) was built to, beside this test assembly's build.</summary>
    public static string OutputDirectory(string project) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, "..", project, "bin", Configuration, "net10.0"));

    /// <summary>
    /// Runs the built AppHost with <paramref name="args"/> as <c>dotnet run --no-build</c> does — with
    /// its first launch profile's environment and URL — but without the CLI's evaluation of the
    /// project, which cost ~3 s of CPU a run beside the suite's other work.
    /// </summary>
    public static Task<DotnetProcess.Result> RunAsync(IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var assembly = System.IO.Path.Combine(OutputDirectory("MailStack.AppHost"), "MailStack.AppHost.dll");
        return DotnetProcess.RunAsync(["exec", assembly, .. args], timeout, cancellationToken, LaunchProfileEnvironment());
    }

    /// <summary>What <c>dotnet run</c> sets from the first profile of <c>Properties/launchSettings.json</c>.</summary>
    private static Dictionary<string, string> LaunchProfileEnvironment()
    {
        var settings = System.IO.Path.Combine(Path, "Properties", "launchSettings.json");
        using var document = JsonDocument.Parse(File.ReadAllText(settings));
        var profile = document.RootElement.GetProperty("profiles").EnumerateObject().First();
        var environment = profile.Value.GetProperty("environmentVariables").EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetString()!);
        environment["DOTNET_LAUNCH_PROFILE"] = profile.Name;
        if (profile.Value.TryGetProperty("applicationUrl", out var urls))
        {
            environment["ASPNETCORE_URLS"] = urls.GetString()!;
        }

        return environment;
    }
}
