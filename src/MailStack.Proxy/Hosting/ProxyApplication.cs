using MailStack.Proxy.Apis;
using MailStack.Proxy.Attachments;
using MailStack.Proxy.Bounces;
using MailStack.Proxy.Dispatch;
using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.Retention;
using MailStack.Proxy.Security;
using MailStack.Proxy.Telemetry;

namespace MailStack.Proxy.Hosting;

/// <summary>
/// The proxy's composition, in one place: Program.cs runs it, and tests host the same proxy
/// in-process (on a database of their own, with in-memory telemetry exporters).
/// </summary>
public static class ProxyApplication
{
    private const string DatabaseName = "maildb";

    public static WebApplicationBuilder AddProxy(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        // Npgsql logs every command at Information: the dispatcher's idle polls would fill the dashboard's logs.
        builder.Logging.AddFilter("Npgsql.Command", LogLevel.Warning);
        // Registers an NpgsqlDataSource for "maildb" with a health check, so /health reports the database.
        // The lease pool connects as the main one does, wherever Aspire found its connection string.
        string? connectionString = null;
        builder.AddNpgsqlDataSource(
            DatabaseName,
            configureSettings: settings => connectionString = settings.ConnectionString,
            configureDataSourceBuilder: dataSource =>
            {
                DatabaseSettings.Apply(dataSource.ConnectionStringBuilder);
                DatabaseSettings.LimitPool(dataSource.ConnectionStringBuilder);
            });
        builder.Services.AddSingleton(services => LeaseConnections.Create(
            connectionString ?? throw new InvalidOperationException($"No connection string for '{DatabaseName}'."),
            services.GetRequiredService<ILoggerFactory>()));
        builder.Services.ConfigureHttpJsonOptions(json => WireJson.Configure(json.SerializerOptions));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProxyPersistence();
        builder.Services.AddProxyAuthorization();
        builder.Services.AddProxyDispatch(builder.Configuration);
        builder.Services.AddProxyRetention(builder.Configuration);
        builder.Services.AddProxyAttachments(builder.Configuration);
        builder.Services.AddProxyBounces(builder.Configuration);
        builder.Services.AddProxyTelemetry();
        builder.Services.AddProxyOpenApi();
        return builder;
    }

    /// <summary>Builds the app, applies the schema migrations, and maps the middleware and every route.</summary>
    public static async Task<WebApplication> BuildProxyAsync(this WebApplicationBuilder builder)
    {
        var app = builder.Build();
        await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
        await app.Services.GetRequiredService<BounceSettingsSeeder>().SeedAsync(app.Lifetime.ApplicationStopping);

        // Proxy:MaxRequestBytes (8 MB), answered with a 413 the client can read.
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapProxyApiDocs();
        app.MapServiceApi();
        app.MapTenantApi();
        app.MapAccountApi();
        app.MapMessageApi();
        app.MapCommandApi();
        app.MapInstanceApi();
        return app;
    }
}
