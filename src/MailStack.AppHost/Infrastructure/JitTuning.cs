namespace MailStack.AppHost.Infrastructure;

/// <summary>
/// Runs the stack's .NET services with tiered compilation tuned for work that comes in bursts: no
/// profile-guided instrumentation, and only methods called 500 times (not 30) recompiled optimized.
/// A local stack's services live minutes to hours and see a test run at a time; by default their
/// background recompilation took half their CPU in the test suite, and the proxy delivered 400–450
/// msgs/s in the throughput bench against 650–670 with this (bench/README.md). JIT'd code is also
/// written in place (W^X off): mapping each page writable and back again cost the test suite ~8 %
/// of its CPU, a hardening a local stack of test services does without. Run mode only (a
/// published manifest keeps the runtime's defaults); a value set in the AppHost's environment wins.
/// scripts/jit-tuning.sh gives the same settings to every process scripts/test.sh and scripts/run.sh
/// start, the build's included (a fresh clone compiles in two thirds of the time).
/// </summary>
internal static class JitTuning
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["DOTNET_TieredPGO"] = "0",
        ["DOTNET_TC_CallCountThreshold"] = "500",
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    public static IDistributedApplicationBuilder TuneJitForBursts(this IDistributedApplicationBuilder builder)
    {
        // Set in the AppHost's environment, a setting reaches every service as it is (DCP passes it on).
        var unset = Settings.Where(setting => Environment.GetEnvironmentVariable(setting.Key) is null).ToList();
        if (!builder.ExecutionContext.IsRunMode || unset.Count == 0)
        {
            return builder;
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((start, _) =>
        {
            foreach (var project in start.Model.Resources.OfType<ProjectResource>())
            {
                project.Annotations.Add(new EnvironmentCallbackAnnotation(environment =>
                {
                    foreach (var (name, value) in unset)
                    {
                        environment.TryAdd(name, value);
                    }
                }));
            }

            return Task.CompletedTask;
        });
        return builder;
    }
}
