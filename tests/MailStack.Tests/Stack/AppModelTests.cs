namespace MailStack.Tests.Stack;

/// <summary>
/// The graph as built (not started) in each infrastructure mode: the containers path cannot run
/// on a machine without a container runtime, so its resources, images and references are checked here.
/// </summary>
public sealed class AppModelTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<IDistributedApplicationTestingBuilder> BuildModelAsync(string mode, params string[] settings) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.MailStack_AppHost>([$"MailStack:Infrastructure={mode}", .. settings], Cancellation);

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

    [Theory]
    [InlineData("containers")]
    [InlineData("local")]
    public async Task Nothing_waits_for_the_bounce_mailbox_so_the_stack_starts_without_dovecot(string mode)
    {
        await using var builder = await BuildModelAsync(mode);

        Assert.Contains(builder.Resources, r => WaitsOf(r).Any());
        Assert.All(builder.Resources, r => Assert.DoesNotContain("dovecot", WaitsOf(r)));
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
        await using var builder = await BuildModelAsync("local", AppHostProject.DevPorts);
        int? PortOf(string resource, string endpoint) =>
            Assert.Single(builder.Resources.Single(r => r.Name == resource).Annotations.OfType<EndpointAnnotation>(), e => e.Name == endpoint).Port;

        Assert.Equal(1025, PortOf("sink-tenant1", "smtp"));
        Assert.Equal(8025, PortOf("sink-tenant1", "http"));
        Assert.Equal(1026, PortOf("sink-tenant2", "smtp"));
        Assert.Equal(8026, PortOf("sink-tenant2", "http"));
        Assert.Equal(1143, PortOf("sink-tenant1", "imap"));
        Assert.Equal(1144, PortOf("sink-tenant2", "imap"));
        Assert.Equal(8000, PortOf("proxy", "http"));
    }

    [Fact]
    public async Task Sinks_smtp_and_a_single_proxy_skip_dcps_proxy_on_a_free_port_when_ports_are_randomized()
    {
        // The testing builder randomizes ports; Aspire does so for proxied endpoints only.
        await using var builder = await BuildModelAsync("local");
        foreach (var (name, endpoint) in new[] { ("sink-tenant1", "smtp"), ("sink-tenant2", "smtp"), ("proxy", "http") })
        {
            var unproxied = Assert.Single(builder.Resources.Single(r => r.Name == name).Annotations.OfType<EndpointAnnotation>(), e => e.Name == endpoint);
            Assert.False(unproxied.IsProxied, $"{name}: {endpoint} goes through DCP's proxy");
            Assert.Null(unproxied.Port);
        }
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

    [Fact]
    public async Task Proxy_replicas_are_a_setting()
    {
        await using (var one = await BuildModelAsync("local"))
        {
            Assert.Empty(Find<ProjectResource>(one, "proxy").Annotations.OfType<ReplicaAnnotation>());
        }

        await using var three = await BuildModelAsync("local", "MailStack:Proxy:Replicas=3");
        var proxy = Find<ProjectResource>(three, "proxy");
        Assert.Equal(3, Assert.Single(proxy.Annotations.OfType<ReplicaAnnotation>()).Replicas);
        // Requests are balanced over the replicas by DCP's proxy on the one port.
        Assert.True(Assert.Single(proxy.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http").IsProxied);
    }

    [Fact]
    public async Task AppHost_settings_reach_the_services_as_their_own()
    {
        using var manifest = await PublishManifestAsync("local", "--MailStack:TraceSampleRatio=0.25", "--MailStack:Sink:Store:MaxMessages=5", "--MailStack:Proxy:Dispatch:BatchSize=7");
        var resources = manifest.RootElement.GetProperty("resources");
        foreach (var name in new[] { "sink-tenant1", "sink-tenant2", "echo-tenant1", "echo-tenant2", "proxy" })
        {
            var env = resources.GetProperty(name).GetProperty("env");
            Assert.Equal("parentbased_traceidratio", env.GetProperty("OTEL_TRACES_SAMPLER").GetString());
            Assert.Equal("0.25", env.GetProperty("OTEL_TRACES_SAMPLER_ARG").GetString());
        }

        Assert.Equal("5", resources.GetProperty("sink-tenant2").GetProperty("env").GetProperty("Sink__Store__MaxMessages").GetString());
        Assert.Equal("7", resources.GetProperty("proxy").GetProperty("env").GetProperty("Proxy__Dispatch__BatchSize").GetString());
    }

    [Fact]
    public async Task A_trace_sample_ratio_outside_0_to_1_stops_the_apphost_with_a_clear_error()
    {
        var result = await AppHostProject.RunAsync(
            ["--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), $"mailstack-manifest-{Guid.NewGuid():N}.json"), "--MailStack:TraceSampleRatio=2"],
            TimeSpan.FromMinutes(2), Cancellation);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("MailStack:TraceSampleRatio must be a number from 0 to 1, not '2'", result.Output, StringComparison.Ordinal);
    }

    /// <summary>Runs the AppHost's manifest publisher (as <c>dotnet run</c> does) and returns the manifest.</summary>
    private static async Task<JsonDocument> PublishManifestAsync(string mode, params string[] settings)
    {
        var output = Path.Combine(Path.GetTempPath(), $"mailstack-manifest-{Guid.NewGuid():N}.json");
        try
        {
            var result = await AppHostProject.RunAsync(
                ["--publisher", "manifest", "--output-path", output, $"--MailStack:Infrastructure={mode}", .. settings],
                TimeSpan.FromMinutes(2), Cancellation);
            Assert.True(result.ExitCode == 0, result.Output);
            return JsonDocument.Parse(await File.ReadAllTextAsync(output, Cancellation));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Theory]
    [InlineData("containers", "container.v0")]
    [InlineData("local", "executable.v0")]
    public async Task Manifest_is_published_in_every_mode(string mode, string infrastructureType)
    {
        using var manifest = await PublishManifestAsync(mode);
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
}
