using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Hands a section of the AppHost's configuration to a service as its own settings.</summary>
internal static class SettingsForwardingExtensions
{
    /// <summary>
    /// Every value under <paramref name="settings"/> becomes the environment variable
    /// <paramref name="prefix"/>__key (e.g. <c>MailStack:Sink:Store:MaxMessages</c> → <c>Sink__Store__MaxMessages</c>),
    /// so tests and benchmarks tune services with AppHost arguments.
    /// </summary>
    public static IResourceBuilder<T> WithSettingsFrom<T>(this IResourceBuilder<T> resource, IConfigurationSection settings, string prefix)
        where T : IResourceWithEnvironment
    {
        foreach (var (key, value) in settings.AsEnumerable(makePathsRelative: true).Where(setting => setting.Value is not null))
        {
            resource.WithEnvironment($"{prefix}__{key.Replace(":", "__", StringComparison.Ordinal)}", value);
        }

        return resource;
    }
}
