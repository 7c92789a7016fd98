using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Bounces;

/// <summary>
/// Applies <c>Proxy:Bounce:Seed</c> to the instance at start-up, so a proxy started by the AppHost
/// reads its bounce mailbox without an API call. Settings an admin made through <c>PUT /instance</c> win.
/// </summary>
public sealed class BounceSettingsSeeder(InstanceStore instance, IOptions<BounceReceiverOptions> options, ILogger<BounceSettingsSeeder> logger)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var seed = options.Value.Seed;
        if (seed.IsEmpty)
        {
            return;
        }

        if (seed.ToPayload().Validate() is { } invalid)
        {
            logger.LogError("Proxy:Bounce:Seed ignored: {Field} {Message}", string.Join('.', invalid.Loc.Skip(1)), invalid.Msg);
            return;
        }

        if (await instance.UpdateAsync(seed.ToPayload(), SettingsSource.Configuration, cancellationToken))
        {
            logger.LogInformation("Bounce settings from configuration: {Enabled} imap://{User}@{Host}:{Port}/{Folder}, return path {ReturnPath}",
                seed.Enabled == true ? "enabled" : "not enabled", seed.ImapUser, seed.ImapHost, seed.ImapPort, seed.ImapFolder ?? "INBOX", seed.ReturnPath ?? "(unchanged)");
        }
        else
        {
            logger.LogInformation("Bounce settings from configuration not applied: an admin set them through PUT /instance");
        }
    }
}
