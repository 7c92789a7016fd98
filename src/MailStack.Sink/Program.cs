using MailStack.Sink.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var options = builder.Configuration.GetSection(MailSinkOptions.SectionName).Get<MailSinkOptions>() ?? new MailSinkOptions();
var urls = builder.Configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
builder.AddMailSink(options, urls);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapMailSink();
app.Logger.LogInformation("Mail sink: SMTP on {Address}:{Port}{Tls}", options.Smtp.ListenAddress, options.Smtp.Port,
    options.Smtp.TlsPort is { } tls ? $", SMTPS on {tls}" : "");
app.Run();
