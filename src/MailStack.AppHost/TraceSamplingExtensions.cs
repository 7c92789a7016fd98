using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Head sampling of traces for every .NET service of the stack.</summary>
internal static class TraceSamplingExtensions
{
    public const string RatioKey = "MailStack:TraceSampleRatio";

    /// <summary>
    /// With <c>MailStack:TraceSampleRatio</c> set (0–1), every project keeps that share of traces
    /// (<c>parentbased_traceidratio</c>, so a trace is kept or dropped whole across services); unset,
    /// every trace is kept, which is what a developer wants and costs throughput under load.
    /// </summary>
    public static IDistributedApplicationBuilder AddTraceSampling(this IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration[RatioKey] is not { Length: > 0 } configured)
        {
            return builder;
        }

        if (!double.TryParse(configured, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) || ratio is < 0 or > 1)
        {
            throw new InvalidOperationException($"{RatioKey} must be a number from 0 to 1, not '{configured}'.");
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((start, _) =>
        {
            foreach (var project in start.Model.Resources.OfType<ProjectResource>())
            {
                // Added last, so it wins over the always_on sampler Aspire sets for the dashboard.
                project.Annotations.Add(new EnvironmentCallbackAnnotation(environment =>
                {
                    environment["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio";
                    environment["OTEL_TRACES_SAMPLER_ARG"] = ratio.ToString(CultureInfo.InvariantCulture);
                }));
            }

            return Task.CompletedTask;
        });
        return builder;
    }
}
