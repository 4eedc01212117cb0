using Command.Silo.Hosting;
using Command.Web.Hosting;

if (ImportCommand.Matches(args))
{
    return await ImportCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddCommandLogging();
builder.AddCommandSilo();
builder.AddCommandMetrics();
builder.AddCommandDomain();
builder.Services.AddCommandWeb();

var app = builder.Build();

app.UseCommandRequestLogging();
app.MapCommandHealth();
app.MapCommandWeb();
app.MapCommandOperations();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
