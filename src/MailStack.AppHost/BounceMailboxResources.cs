namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// An IMAP server holding the bounce mailbox; consumers get
/// <c>Host=…;Port=…;Username=…;Password=…</c>.
/// </summary>
public interface IBounceMailboxResource : IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithEnvironment
{
    const string EndpointName = "imap";

    EndpointReference Endpoint { get; }

    string UserName { get; }

    ParameterResource Password { get; }

    static ReferenceExpression ConnectionString(IBounceMailboxResource mailbox) => ReferenceExpression.Create(
        $"Host={mailbox.Endpoint.Property(EndpointProperty.Host)};Port={mailbox.Endpoint.Property(EndpointProperty.Port)};Username={mailbox.UserName};Password={mailbox.Password}");
}

/// <summary>Dovecot in a container (containers mode).</summary>
public sealed class DovecotContainerResource(string name, string userName, ParameterResource password)
    : ContainerResource(name), IBounceMailboxResource
{
    public EndpointReference Endpoint => new(this, IBounceMailboxResource.EndpointName);

    public string UserName { get; } = userName;

    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression => IBounceMailboxResource.ConnectionString(this);
}

/// <summary>Dovecot from the machine's binaries (local mode).</summary>
public sealed class LocalDovecotResource(string name, string workingDirectory, string userName, ParameterResource password)
    : ExecutableResource(name, "bash", workingDirectory), IBounceMailboxResource
{
    public EndpointReference Endpoint => new(this, IBounceMailboxResource.EndpointName);

    public string UserName { get; } = userName;

    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression => IBounceMailboxResource.ConnectionString(this);
}
