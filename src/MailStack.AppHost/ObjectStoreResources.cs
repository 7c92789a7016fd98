namespace Aspire.Hosting.ApplicationModel;

/// <summary>An S3-compatible object store; consumers get <c>Endpoint=…;AccessKey=…;SecretKey=…;Bucket=…</c>.</summary>
public interface IObjectStoreResource : IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithEnvironment
{
    const string EndpointName = "http";

    EndpointReference Endpoint { get; }

    ReferenceExpression AccessKey { get; }

    ReferenceExpression SecretKey { get; }

    string Bucket { get; }

    static ReferenceExpression ConnectionString(IObjectStoreResource store) => ReferenceExpression.Create(
        $"Endpoint={store.Endpoint.Property(EndpointProperty.Url)};AccessKey={store.AccessKey};SecretKey={store.SecretKey};Bucket={store.Bucket}");
}

/// <summary>MinIO in a container (containers mode).</summary>
public sealed class MinioContainerResource(string name, ParameterResource rootUser, ParameterResource rootPassword, string bucket)
    : ContainerResource(name), IObjectStoreResource
{
    public ParameterResource RootUser { get; } = rootUser;

    public ParameterResource RootPassword { get; } = rootPassword;

    public EndpointReference Endpoint => new(this, IObjectStoreResource.EndpointName);

    public ReferenceExpression AccessKey => ReferenceExpression.Create($"{RootUser}");

    public ReferenceExpression SecretKey => ReferenceExpression.Create($"{RootPassword}");

    public string Bucket { get; } = bucket;

    public ReferenceExpression ConnectionStringExpression => IObjectStoreResource.ConnectionString(this);
}

/// <summary>The npm s3rver package run with node (local mode); s3rver's credentials are fixed.</summary>
public sealed class S3rverResource(string name, string workingDirectory, string bucket)
    : ExecutableResource(name, "bash", workingDirectory), IObjectStoreResource
{
    public const string FixedCredential = "S3RVER";

    public EndpointReference Endpoint => new(this, IObjectStoreResource.EndpointName);

    public ReferenceExpression AccessKey => ReferenceExpression.Create($"{FixedCredential}");

    public ReferenceExpression SecretKey => ReferenceExpression.Create($"{FixedCredential}");

    public string Bucket { get; } = bucket;

    public ReferenceExpression ConnectionStringExpression => IObjectStoreResource.ConnectionString(this);
}
