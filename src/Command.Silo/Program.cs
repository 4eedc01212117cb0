using Command.Silo.Hosting;
using Command.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddCommandLogging();
builder.AddCommandSilo();
builder.Services.AddCommandWeb();

var app = builder.Build();

app.MapCommandHealth();
app.MapCommandWeb();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
