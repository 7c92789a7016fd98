using MailStack.EchoServer;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddSingleton<RequestJournal>();
builder.Services.AddSingleton<ProgrammedReplies>();
builder.Services.AddSingleton<FileShelf>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapFileShelf();
app.MapRequestJournal();
app.Run();
