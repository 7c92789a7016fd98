using MailStack.Proxy;
using MailStack.Proxy.Api;
using MailStack.Proxy.Dispatch;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Registers an NpgsqlDataSource for "maildb" with a health check, so /health reports the database.
builder.AddNpgsqlDataSource("maildb");
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = builder.Configuration.GetValue("Proxy:MaxRequestBytes", 8L * 1024 * 1024));

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<SchemaMigrator>();
builder.Services.AddSingleton<CallerResolver>();
builder.Services.AddSingleton<DispatchSignal>();
builder.Services.AddSingleton<ProxyMetrics>();
builder.Services.AddSingleton<SmtpConnectionPool>();
builder.Services.AddSingleton<DeliveryOutcomes>();
builder.Services.Configure<DispatchOptions>(builder.Configuration.GetSection("Proxy:Dispatch"));
builder.Services.AddHttpClient("tenant-sync", http => http.Timeout = TimeSpan.FromSeconds(30));
builder.Services.AddHostedService<DatabaseStartupProbe>();
builder.Services.AddHostedService<Dispatcher>();
builder.Services.AddHostedService<DeliveryReporter>();

var app = builder.Build();
await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);

app.MapDefaultEndpoints();
app.MapDatabaseStatus();
app.MapGet("/status", async (HttpRequest request, CallerResolver auth) =>
{
    var (_, failure) = await auth.ResolveAsync(request);
    return failure ?? Results.Ok(new { ok = true, active = true });
});
app.MapGet("/metrics", async (ProxyMetrics metrics, Npgsql.NpgsqlDataSource db, CancellationToken cancellationToken) =>
    Results.Text(await metrics.RenderAsync(db, cancellationToken), "text/plain; version=0.0.4"));
app.MapTenantEndpoints();
app.MapAccountEndpoints();
app.MapMessageEndpoints();
app.MapSuspendEndpoints();
app.Run();
