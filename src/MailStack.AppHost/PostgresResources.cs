namespace Aspire.Hosting.ApplicationModel;

/// <summary>PostgreSQL server run from the machine's binaries (local mode).</summary>
public sealed class LocalPostgresServerResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";
    private readonly List<LocalPostgresDatabaseResource> _databases = [];

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The databases this server hosts.</summary>
    public IReadOnlyList<LocalPostgresDatabaseResource> Databases => _databases;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username=postgres;Password={PasswordParameter}");

    internal void AddDatabase(LocalPostgresDatabaseResource database) => _databases.Add(database);
}

/// <summary>A database on a <see cref="LocalPostgresServerResource"/>, created when the server is ready.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public LocalPostgresServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
