using MailStack.AppHost.HealthChecks;
using MailStack.AppHost.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>The mail database: PostgreSQL in a container, or from the machine's binaries.</summary>
internal static class PostgresResourceBuilderExtensions
{
    public static IResourceBuilder<IResourceWithConnectionString> AddMailDatabase(
        this IDistributedApplicationBuilder builder, InfrastructureMode mode, RunDirectory? runDirectory,
        string serverName = "postgres", string databaseName = "maildb") =>
        mode == InfrastructureMode.Containers
            ? builder.AddPostgres(serverName).AddDatabase(databaseName)
            : builder.AddLocalPostgres(serverName, runDirectory).AddDatabase(databaseName);

    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, RunDirectory? runDirectory)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var dataDirectory = runDirectory?.For(name) ?? Path.Combine(Path.GetTempPath(), "mailstack", name);
        var server = new LocalPostgresServerResource(name, builder.AppHostDirectory, password);

        return builder.AddResource(server)
            .WithArgs(LocalExecutable.Script(builder, "postgres.sh"), dataDirectory)
            // Listening on its port itself, not behind DCP's port proxy: every query and its rows (an
            // add-messages of 100 carries 120 KB) took one more hop, and DCP the CPU to copy them.
            .WithEndpoint(name: LocalPostgresServerResource.EndpointName, scheme: "tcp", env: "PGPORT", isProxied: false)
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithEnvironment(context =>
            {
                if (runDirectory is not null)
                {
                    context.EnvironmentVariables["POSTGRES_TEMPLATE_ROOT"] = runDirectory.Shared("templates");
                }
            })
            .WithCustomHealthCheck("query", _ => new NpgsqlHealthCheck(server))
            .OnResourceReady(async (resource, @event, cancellationToken) =>
            {
                var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
                var connectionString = await ((IResourceWithConnectionString)resource).GetConnectionStringAsync(cancellationToken);
                await using var dataSource = NpgsqlDataSource.Create(connectionString!);
                foreach (var database in resource.Databases)
                {
                    try
                    {
                        await CreateDatabaseIfMissingAsync(dataSource, database.DatabaseName, cancellationToken);
                        await notifications.PublishUpdateAsync(database, snapshot => snapshot with
                        {
                            State = KnownResourceStates.Running,
                            StartTimeStamp = DateTime.UtcNow,
                        });
                    }
                    catch (NpgsqlException ex)
                    {
                        @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(database)
                            .LogError(ex, "Cannot create database {Database}", database.DatabaseName);
                        await notifications.PublishUpdateAsync(database, snapshot => snapshot with { State = KnownResourceStates.FailedToStart });
                    }
                }
            });
    }

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> server, string name, string? databaseName = null)
    {
        databaseName ??= name;
        var database = new LocalPostgresDatabaseResource(name, databaseName, server.Resource);
        server.Resource.AddDatabase(database);
        // Nothing runs for a database: its state is published by the server once the database exists.
        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new("postgres.database", databaseName)],
            })
            .WithParentRelationship(server)
            .WithCustomHealthCheck("query", _ => new NpgsqlHealthCheck(database))
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.WriteConnectionString(database);
            });
    }

    private static async Task CreateDatabaseIfMissingAsync(NpgsqlDataSource dataSource, string database, CancellationToken cancellationToken)
    {
        await using var exists = dataSource.CreateCommand("SELECT 1 FROM pg_database WHERE datname = $1");
        exists.Parameters.AddWithValue(database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        var quoted = "\"" + database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var create = dataSource.CreateCommand($"CREATE DATABASE {quoted}");
        await create.ExecuteNonQueryAsync(cancellationToken);
    }
}
