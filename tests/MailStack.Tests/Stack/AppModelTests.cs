using System.Text.Json;
using MailStack.Tests.Infrastructure;

namespace MailStack.Tests.Stack;

/// <summary>
/// The graph as built (not started) in each infrastructure mode: the containers path cannot run
/// on a machine without a container runtime, so its resources, images and references are checked here.
/// </summary>
public sealed class AppModelTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<IDistributedApplicationTestingBuilder> BuildModelAsync(string mode) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.MailStack_AppHost>([$"MailStack:Infrastructure={mode}"], Cancellation);

    private static T Find<T>(IDistributedApplicationTestingBuilder builder, string name) where T : IResource =>
        Assert.IsType<T>(Assert.Single(builder.Resources, r => r.Name == name), exactMatch: false);

    private static (string Image, string? Tag) ImageOf(IResource resource)
    {
        var image = Assert.Single(resource.Annotations.OfType<ContainerImageAnnotation>());
        return (image.Image, image.Tag);
    }

    private static IEnumerable<string> ReferencesOf(IResource resource) =>
        resource.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference").Select(r => r.Resource.Name);

    private static IEnumerable<string> WaitsOf(IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name);

    [Fact]
    public async Task Containers_mode_runs_infrastructure_as_the_intended_images()
    {
        await using var builder = await BuildModelAsync("containers");

        var postgres = Find<PostgresServerResource>(builder, "postgres");
        Assert.Contains("postgres", ImageOf(postgres).Image, StringComparison.Ordinal);
        var maildb = Find<PostgresDatabaseResource>(builder, "maildb");
        Assert.Same(postgres, maildb.Parent);
        Assert.Equal("maildb", maildb.DatabaseName);

        var objects = Find<MinioContainerResource>(builder, "objects");
        Assert.Equal("minio/minio", ImageOf(objects).Image);
        Assert.Equal("mail-attachments", objects.Bucket);
        Assert.Equal(9000, Assert.Single(objects.Annotations.OfType<EndpointAnnotation>()).TargetPort);

        var dovecot = Find<DovecotContainerResource>(builder, "dovecot");
        Assert.Equal(("dovecot/dovecot", "2.3.21"), ImageOf(dovecot));
        Assert.Equal(143, Assert.Single(dovecot.Annotations.OfType<EndpointAnnotation>()).TargetPort);
        var config = Assert.Single(dovecot.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal("/etc/dovecot/dovecot.conf", config.Target);
        Assert.True(File.Exists(config.Source), $"bind-mounted config {config.Source} is missing");
    }

    [Fact]
    public async Task Local_mode_runs_infrastructure_from_launch_scripts_that_exist()
    {
        await using var builder = await BuildModelAsync("local");

        foreach (var (name, type) in new[] { ("postgres", typeof(LocalPostgresServerResource)), ("objects", typeof(S3rverResource)), ("dovecot", typeof(LocalDovecotResource)) })
        {
            var resource = Assert.Single(builder.Resources, r => r.Name == name);
            Assert.IsType(type, resource);
            var script = (await ArgsOfAsync((ExecutableResource)resource))[0];
            Assert.True(File.Exists(script), $"{name}: launch script {script} is missing");
        }

        Assert.IsType<LocalPostgresDatabaseResource>(Assert.Single(builder.Resources, r => r.Name == "maildb"));
    }

    [Theory]
    [InlineData("containers")]
    [InlineData("local")]
    public async Task Proxy_references_its_infrastructure_and_tenants_in_every_mode(string mode)
    {
        await using var builder = await BuildModelAsync(mode);
        var proxy = Find<ProjectResource>(builder, "proxy");

        Assert.Equal(
            ["dovecot", "echo-tenant1", "echo-tenant2", "maildb", "objects", "sink-tenant1", "sink-tenant2"],
            ReferencesOf(proxy).Distinct().Order());
        Assert.Contains("maildb", WaitsOf(proxy));
        Assert.Single(proxy.Annotations.OfType<HealthCheckAnnotation>());
    }

    [Fact]
    public async Task Every_resource_has_a_health_check()
    {
        await using var builder = await BuildModelAsync("local");
        foreach (var name in StackFixture.ResourceNames)
        {
            var resource = Assert.Single(builder.Resources, r => r.Name == name);
            Assert.True(resource.Annotations.OfType<HealthCheckAnnotation>().Any(), $"{name} has no health check");
        }
    }

    [Fact]
    public async Task Dev_ports_are_the_documented_ones()
    {
        await using var builder = await BuildModelAsync("local");
        int? PortOf(string resource, string endpoint) =>
            Assert.Single(builder.Resources.Single(r => r.Name == resource).Annotations.OfType<EndpointAnnotation>(), e => e.Name == endpoint).Port;

        Assert.Equal(1025, PortOf("sink-tenant1", "smtp"));
        Assert.Equal(8025, PortOf("sink-tenant1", "http"));
        Assert.Equal(1026, PortOf("sink-tenant2", "smtp"));
        Assert.Equal(8026, PortOf("sink-tenant2", "http"));
        Assert.Equal(8000, PortOf("proxy", "http"));
    }

    private static async Task<List<string>> ArgsOfAsync(ExecutableResource resource)
    {
        var args = new List<object>();
        var context = new CommandLineArgsCallbackContext(args, resource, Cancellation);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return args.Select(a => a.ToString()!).ToList();
    }

    [Theory]
    [InlineData("containers", "container.v0")]
    [InlineData("local", "executable.v0")]
    public async Task Manifest_is_published_in_every_mode(string mode, string infrastructureType)
    {
        var output = Path.Combine(Path.GetTempPath(), $"mailstack-manifest-{Guid.NewGuid():N}.json");
        try
        {
            var result = await DotnetProcess.RunAsync(
                ["run", "--no-build", "-c", AppHostProject.Configuration, "--project", AppHostProject.Path, "--", "--publisher", "manifest", "--output-path", output, $"--MailStack:Infrastructure={mode}"],
                TimeSpan.FromMinutes(2), Cancellation);
            Assert.True(result.ExitCode == 0, result.Output);

            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(output, Cancellation));
            var resources = manifest.RootElement.GetProperty("resources");
            foreach (var name in new[] { "postgres", "objects", "dovecot" })
            {
                Assert.Equal(infrastructureType, resources.GetProperty(name).GetProperty("type").GetString());
            }

            foreach (var name in new[] { "sink-tenant1", "sink-tenant2", "echo-tenant1", "echo-tenant2", "proxy" })
            {
                Assert.Equal("project.v0", resources.GetProperty(name).GetProperty("type").GetString());
            }

            var proxyEnv = resources.GetProperty("proxy").GetProperty("env");
            Assert.Equal("{maildb.connectionString}", proxyEnv.GetProperty("ConnectionStrings__maildb").GetString());
            Assert.Equal("{objects.connectionString}", proxyEnv.GetProperty("ConnectionStrings__objects").GetString());
        }
        finally
        {
            File.Delete(output);
        }
    }
}
