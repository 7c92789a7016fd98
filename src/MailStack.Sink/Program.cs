var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/livez", () => Results.Ok());
app.MapGet("/readyz", () => Results.Ok());
app.Run();
