using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace MailStack.AppHost.Infrastructure;

/// <summary>
/// Starts every .NET resource from its built executable instead of through <c>dotnet run --no-build</c>,
/// which is how Aspire starts a project. <c>dotnet run</c> loads the SDK and evaluates the project
/// before the app starts: 2.3–3.3 s of CPU per resource against 0.9–1.1 s for the built output
/// (bench/README.md), paid by every resource at every start of the stack and of every test stack.
/// Both run the output of the last build; neither builds.
/// </summary>
internal static class BuiltOutputLaunch
{
    /// <summary>Set by the AppHost's build: a project's output folder relative to its own folder, the same for every project of the repository (one Directory.Build.props).</summary>
    private const string OutputPathKey = "MailStack.ProjectOutputPath";

    public static IDistributedApplicationBuilder LaunchProjectsFromBuiltOutput(this IDistributedApplicationBuilder builder)
    {
        // An IDE's debug session launches projects itself, from its own launch configurations.
        if (!builder.ExecutionContext.IsRunMode || builder.Configuration["DEBUG_SESSION_PORT"] is { Length: > 0 })
        {
            return builder;
        }

        var outputPath = typeof(BuiltOutputLaunch).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == OutputPathKey)?.Value;
        if (outputPath is not { Length: > 0 })
        {
            return builder;
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((start, _) =>
        {
            foreach (var project in start.Model.Resources.OfType<ProjectResource>())
            {
                var projectPath = project.GetProjectMetadata().ProjectPath;
                var projectDirectory = Path.GetDirectoryName(projectPath)!;
                var executable = Path.Combine(projectDirectory, outputPath, Path.GetFileNameWithoutExtension(projectPath) + (OperatingSystem.IsWindows() ? ".exe" : ""));
                // Not built there (another output layout): Aspire's own `dotnet run` still works.
                if (File.Exists(executable) && !project.Annotations.OfType<ExecutableAnnotation>().Any())
                {
                    // The working directory stays the project's, as under `dotnet run`: it is the content root.
                    project.Annotations.Add(new ExecutableAnnotation { Command = executable, WorkingDirectory = projectDirectory });
                }
            }

            return Task.CompletedTask;
        });
        return builder;
    }
}
