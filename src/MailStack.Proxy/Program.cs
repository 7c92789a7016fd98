using MailStack.Proxy.Apis;
using MailStack.Proxy.Attachments;
using MailStack.Proxy.Dispatch;
using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.Security;
using MailStack.Proxy.Telemetry;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Registers an NpgsqlDataSource for "maildb" with a health check, so /health reports the database.
builder.AddNpgsqlDataSource("maildb");
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = builder.Configuration.GetValue("Proxy:MaxRequestBytes", 8L * 1024 * 1024));
builder.Services.ConfigureHttpJsonOptions(json => WireJson.Configure(json.SerializerOptions));

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddProxyPersistence();
builder.Services.AddProxyAuthorization();
builder.Services.AddProxyDispatch(builder.Configuration);
builder.Services.AddProxyAttachments(builder.Configuration);
builder.Services.AddSingleton<ProxyMetrics>();

var app = builder.Build();
await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);

app.UseAuthentication();
app.UseAuthorization();
app.MapServiceApi();
app.MapTenantApi();
app.MapAccountApi();
app.MapMessageApi();
app.MapCommandApi();
app.Run();
