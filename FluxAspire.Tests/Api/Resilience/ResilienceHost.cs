using System.Collections.Concurrent;
using FluxAspire.Api.Operations.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly.Registry;

namespace FluxAspire.Tests.Api.Resilience;

/// <summary>The API's named pipelines as AddResilience registers them, on a <see cref="WatchedClock"/>, with the given
/// configuration (the options classes bind the same sections as in the API) and every log record kept.</summary>
internal sealed class ResilienceHost : IDisposable
{
    private readonly ServiceProvider _services;

    public ResilienceHost(Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs);
        builder.Services.AddOptions<FluxAspire.Api.Delivery.Webhooks.WebhookOptions>().BindConfiguration("Webhooks");
        builder.Services.AddOptions<FluxAspire.Api.Pipeline.Comfy.ComfyOptions>().BindConfiguration("ComfyUI");
        builder.Services.AddOptions<FluxAspire.Api.Operations.Supervisor.ComfyLaunchOptions>().BindConfiguration("ComfyUI:Launch");
        builder.AddResilience();
        _services = (ServiceProvider)builder.Build().Services;
    }

    public WatchedClock Clock { get; } = new();

    public LogRecords Logs { get; } = new();

    public ResiliencePipelineProvider<string> Pipelines => _services.GetRequiredService<ResiliencePipelineProvider<string>>();

    public void Dispose() => _services.Dispose();
}

/// <summary>Every log record: its category and level.</summary>
internal sealed class LogRecords : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _records = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message)> All => [.. _records];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _records);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            records.Enqueue((category, logLevel, formatter(state, exception)));
    }
}
