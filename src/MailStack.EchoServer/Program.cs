using MailStack.EchoServer;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddSingleton<RequestJournal>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRequestJournal();
app.Run();
