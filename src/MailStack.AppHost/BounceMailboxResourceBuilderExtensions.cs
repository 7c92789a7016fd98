using MailStack.AppHost.Infrastructure;

namespace Aspire.Hosting;

/// <summary>The bounce mailbox: a real Dovecot IMAP server, in a container or from the machine's binaries.</summary>
internal static class BounceMailboxResourceBuilderExtensions
{
    public const string DovecotImage = "dovecot/dovecot";
    public const string DovecotTag = "2.3.21";
    public const string DovecotPathKey = "MailStack:Local:DovecotPath";

    public static IResourceBuilder<IBounceMailboxResource> AddBounceMailbox(
        this IDistributedApplicationBuilder builder, InfrastructureMode mode, RunDirectory? runDirectory,
        string name = "dovecot", string userName = "bounces@mailstack.test")
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        IResourceBuilder<IBounceMailboxResource> mailbox = mode == InfrastructureMode.Containers
            ? builder.AddResource(new DovecotContainerResource(name, userName, password))
                .WithImage(DovecotImage, DovecotTag)
                .WithBindMount(Path.Combine(builder.AppHostDirectory, "Infrastructure", "Containers", "dovecot.conf"), "/etc/dovecot/dovecot.conf", isReadOnly: true)
                .WithEndpoint(targetPort: 143, name: IBounceMailboxResource.EndpointName, scheme: "tcp")
            : builder.AddResource(new LocalDovecotResource(name, builder.AppHostDirectory, userName, password))
                .WithArgs(LocalExecutable.Script(builder, "dovecot.sh"), runDirectory?.For(name) ?? Path.Combine(Path.GetTempPath(), "mailstack", name))
                .WithEndpoint(name: IBounceMailboxResource.EndpointName, scheme: "tcp", env: "IMAP_PORT")
                .WithEnvironment(context =>
                {
                    if (builder.Configuration[DovecotPathKey] is { Length: > 0 } path)
                    {
                        context.EnvironmentVariables["MAILSTACK_DOVECOT_PATH"] = path;
                    }
                });

        return mailbox
            .WithEnvironment("BOUNCE_USER", userName)
            .WithEnvironment("BOUNCE_PASSWORD", password)
            .WithGreetingHealthCheck(IBounceMailboxResource.EndpointName, "* OK");
    }
}
