using FluxAspire.ComfySim;
using FluxAspire.ComfySim.Execution;
using FluxAspire.ComfySim.Files;
using FluxAspire.ComfySim.Schemas;
using FluxAspire.ComfySim.Discovery;

SimOptions options;
try
{
    options = SimOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"comfysim: {ex.Message}");
    Console.Error.WriteLine("usage: FluxAspire.ComfySim [--listen IP] [--port N] [--base-directory DIR] [--output-directory DIR] " +
        "[--input-directory DIR] [--temp-directory DIR] [--preview-method none|latent2rgb] [--preview-size N] [--step-ms N] [--load-ms N] [--image-kind picture|noise]");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.WebHost.UseUrls(SimUrls.For(options));
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxUploadSizeBytes);
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("FluxAspire", LogLevel.Information);

var folders = new ComfyFolders(options);
folders.Prepare();
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(folders);
builder.Services.AddSchemas();
builder.Services.AddFiles();
builder.Services.AddExecution();

var app = builder.Build();
app.UseWebSockets();
foreach (var prefix in new[] { "/", "/api" })
{
    var routes = app.MapGroup(prefix);
    routes.MapObjectInfoRoutes();
    routes.MapFileRoutes();
    routes.MapDiscoveryRoutes();
    routes.MapExecutionRoutes();
}

app.MapFaultRoutes();
app.Lifetime.ApplicationStarted.Register(() =>
    app.Logger.LogInformation("ComfySim (simulated ComfyUI 0.3.64, no GPU) listening on {Urls}; base directory {Base}",
        string.Join(", ", app.Urls), folders.BaseDirectory));
app.Lifetime.ApplicationStopped.Register(() =>
{
    // ComfyUI deletes its temp folder at exit.
    try { Directory.Delete(folders.TempDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
});

await app.RunAsync();
return 0;
