using MailStack.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure: containers when a runtime answers, else the machine's own binaries.
var mode = InfrastructureModeResolver.Resolve(builder);
var runDirectory = builder.AddRunDirectory();
builder.AddStartupProgress();
builder.AddTraceSampling();
builder.LaunchProjectsFromBuiltOutput();
builder.TuneJitForBursts();

// Data
var maildb = builder.AddMailDatabase(mode, runDirectory);
var objects = builder.AddObjectStore(mode, runDirectory);
var bounceMailbox = builder.AddBounceMailbox(mode, runDirectory);

// Tenants: a mail sink (their SMTP server) and an echo server (their client endpoint) each
var sink1 = builder.AddMailSink("sink-tenant1", smtpPort: 1025, httpPort: 8025, imapPort: 1143).WithBounceRoute(bounceMailbox);
var sink2 = builder.AddMailSink("sink-tenant2", smtpPort: 1026, httpPort: 8026, imapPort: 1144).WithBounceRoute(bounceMailbox);
sink1.WithReleaseTo(sink2); // "release" in tenant1's sink relays a message to tenant2's
var echo1 = builder.AddTenantEchoServer("echo-tenant1");
var echo2 = builder.AddTenantEchoServer("echo-tenant2");

// Classic error servers (reject, tempfail, timeout, ratelimit, random) for senders' test suites
builder.AddFaultSinks();

// Services
builder.AddMailProxy("proxy", httpPort: 8000, maildb, objects, bounceMailbox)
    .WithTenant(sink1, echo1)
    .WithTenant(sink2, echo2)
    .WithDemoTenant("tenant1", sink1, echo1)
    .WithDemoTenant("tenant2", sink2, echo2)
    .WithRunNowCommand();

builder.Build().Run();
