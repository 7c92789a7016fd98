using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// The classic error servers that mail senders' test suites expect beside the real ones: mail
/// sinks whose chaos preset fails every message in one known way, at fixed dev ports. On under
/// <c>dotnet run</c> (launch profile), off unless asked for in tests: <c>MailStack:FaultSinks=true</c>.
/// </summary>
internal static class FaultSinkResourceBuilderExtensions
{
    public const string SettingKey = "MailStack:FaultSinks";

    /// <summary>The rate-limited sink accepts this many messages, then answers 452 (until its chaos is reset).</summary>
    public const int RateLimit = 3;

    private static readonly (string Name, int SmtpPort, int HttpPort, string Preset)[] FaultSinks =
    [
        ("sink-reject", 1027, 8027, "reject_all"),
        ("sink-tempfail", 1028, 8028, "temp_fail"),
        ("sink-timeout", 1029, 8029, "timeout"),
        ("sink-ratelimit", 1030, 8030, "rate_limit"),
        ("sink-random", 1031, 8031, "random"),
    ];

    public static IDistributedApplicationBuilder AddFaultSinks(this IDistributedApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue(SettingKey, false))
        {
            return builder;
        }

        foreach (var (name, smtpPort, httpPort, preset) in FaultSinks)
        {
            builder.AddMailSink(name, smtpPort, httpPort)
                .WithEnvironment("Sink__Chaos__Preset", preset)
                .WithEnvironment("Sink__Chaos__RateLimit", RateLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder;
    }
}
