using MailStack.EchoServer;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddSingleton<RequestJournal>();
builder.Services.AddSingleton<ProgrammedReplies>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRequestJournal();
app.Run();
