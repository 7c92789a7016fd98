using MailStack.Proxy;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Registers an NpgsqlDataSource for "maildb" with a health check, so /health reports the database.
builder.AddNpgsqlDataSource("maildb");
builder.Services.AddHostedService<DatabaseStartupProbe>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapDatabaseStatus();
app.Run();
