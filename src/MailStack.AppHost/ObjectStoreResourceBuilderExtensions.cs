using Amazon.S3;
using Amazon.S3.Model;
using MailStack.AppHost.HealthChecks;
using MailStack.AppHost.Infrastructure;

namespace Aspire.Hosting;

/// <summary>The attachment object store: MinIO in a container or s3rver locally, its bucket created at start.</summary>
internal static class ObjectStoreResourceBuilderExtensions
{
    public const string MinioImage = "minio/minio";
    public const string MinioTag = "RELEASE.2025-04-22T22-12-26Z";

    public static IResourceBuilder<IObjectStoreResource> AddObjectStore(
        this IDistributedApplicationBuilder builder, InfrastructureMode mode, RunDirectory? runDirectory,
        string name = "objects", string bucket = "mail-attachments")
    {
        IResourceBuilder<IObjectStoreResource> store = mode == InfrastructureMode.Containers
            ? builder.AddMinioContainer(name, bucket)
            : builder.AddLocalS3rver(name, bucket, runDirectory);

        return store
            .WithCustomHealthCheck("s3", _ => new S3HealthCheck(store.Resource))
            .OnResourceReady((resource, _, cancellationToken) => CreateBucketAsync(resource, cancellationToken));
    }

    private static IResourceBuilder<MinioContainerResource> AddMinioContainer(this IDistributedApplicationBuilder builder, string name, string bucket)
    {
        var user = builder.AddParameter($"{name}-user", "mailstack");
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        return builder.AddResource(new MinioContainerResource(name, user.Resource, password, bucket))
            .WithImage(MinioImage, MinioTag)
            .WithArgs("server", "/data")
            .WithHttpEndpoint(targetPort: 9000, name: IObjectStoreResource.EndpointName)
            .WithEnvironment("MINIO_ROOT_USER", user.Resource)
            .WithEnvironment("MINIO_ROOT_PASSWORD", password);
    }

    private static IResourceBuilder<S3rverResource> AddLocalS3rver(this IDistributedApplicationBuilder builder, string name, string bucket, RunDirectory? runDirectory)
    {
        var dataDirectory = runDirectory?.For(name) ?? Path.Combine(Path.GetTempPath(), "mailstack", name);
        return builder.AddResource(new S3rverResource(name, builder.AppHostDirectory, bucket))
            .WithArgs(LocalExecutable.Script(builder, "s3rver.sh"), dataDirectory)
            .WithHttpEndpoint(name: IObjectStoreResource.EndpointName, env: "S3_PORT");
    }

    internal static async Task<AmazonS3Client> CreateClientAsync(IObjectStoreResource store, CancellationToken cancellationToken)
    {
        var accessKey = await store.AccessKey.GetValueAsync(cancellationToken);
        var secretKey = await store.SecretKey.GetValueAsync(cancellationToken);
        return new AmazonS3Client(accessKey, secretKey, new AmazonS3Config
        {
            ServiceURL = store.Endpoint.Url,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            Timeout = TimeSpan.FromSeconds(5),
            MaxErrorRetry = 0,
        });
    }

    private static async Task CreateBucketAsync(IObjectStoreResource store, CancellationToken cancellationToken)
    {
        using var client = await CreateClientAsync(store, cancellationToken);
        var buckets = await client.ListBucketsAsync(new ListBucketsRequest(), cancellationToken);
        if (buckets.Buckets?.Any(b => b.BucketName == store.Bucket) == true)
        {
            return;
        }

        await client.PutBucketAsync(new PutBucketRequest { BucketName = store.Bucket }, cancellationToken);
    }
}
