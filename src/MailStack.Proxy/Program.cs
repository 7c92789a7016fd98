using MailStack.Proxy.Hosting;

var app = await WebApplication.CreateBuilder(args).AddProxy().BuildProxyAsync();
app.Run();
