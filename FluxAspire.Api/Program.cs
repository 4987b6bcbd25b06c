using FluxAspire.Api.Delivery.Outbound;
using FluxAspire.Api.Delivery.Storage;
using FluxAspire.Api.Delivery.SystemWebhooks;
using FluxAspire.Api.Delivery.Webhooks;
using FluxAspire.Api.Endpoints.Docs;
using FluxAspire.Api.Endpoints.Downloads;
using FluxAspire.Api.Endpoints.Errors;
using FluxAspire.Api.Endpoints.Interrupts;
using FluxAspire.Api.Endpoints.Jobs;
using FluxAspire.Api.Endpoints.Models;
using FluxAspire.Api.Endpoints.Playground;
using FluxAspire.Api.Endpoints.Prompts;
using FluxAspire.Api.Endpoints.Readiness;
using FluxAspire.Api.Endpoints.Workflows;
using FluxAspire.Api.Operations.ApiKeys;
using FluxAspire.Api.Operations.Backpressure;
using FluxAspire.Api.Operations.Readiness;
using FluxAspire.Api.Operations.Redis;
using FluxAspire.Api.Operations.Resilience;
using FluxAspire.Api.Operations.Salad;
using FluxAspire.Api.Operations.Supervisor;
using FluxAspire.Api.Operations.Telemetry;
using FluxAspire.Api.Pipeline;
using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Cleanup;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Downloads;
using FluxAspire.Api.Pipeline.Inputs;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Outputs;
using FluxAspire.Api.Pipeline.Workflows;
using Microsoft.Extensions.Options;


// Layers (see ARCHITECTURE.md): Endpoints → Pipeline → Delivery, with Operations beside them.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddTelemetry();
builder.AddResilience();
builder.AddApiKeys();
builder.AddApiErrors();
builder.AddSupervisedInstances();
builder.AddComfy();
builder.AddSalad();
builder.AddSupervisor();
builder.AddRedis();
builder.AddJobs();
builder.AddInputs();
builder.AddCleanup();
builder.AddInterrupts();
builder.AddOutbound();
builder.AddDownloads();
builder.AddWebhooks();
builder.AddStorage();
builder.AddSystemWebhooks();
builder.AddOutputs();
builder.AddBackpressure();
builder.AddPipeline();
builder.AddCaching();
builder.AddReadiness();
builder.AddApiDocs();
builder.AddWorkflows();
builder.AddJobsApi();
builder.AddPlayground();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapApiDocs();
app.MapWorkflowApi();
app.MapPromptApi();
app.MapInterruptApi();
app.MapReadinessApi();
app.MapModelsApi();
app.MapDownloadApi();
app.MapJobsApi();
app.MapPlaygroundApi();
app.MapDefaultEndpoints();

// Configuration that cannot work (no ComfyUI address, a bad value) is one line on stderr and exit code 1, not a
// stack trace from deep inside the host's start-up.
try
{
    app.Services.GetRequiredService<IStartupValidator>().Validate();
}
catch (Exception ex) when (ex is OptionsValidationException || ex is AggregateException { InnerExceptions: var all } && all.All(e => e is OptionsValidationException))
{
    var failures = (ex is AggregateException aggregate ? aggregate.InnerExceptions : [ex])
        .SelectMany(e => ((OptionsValidationException)e).Failures).Distinct();
    Console.Error.WriteLine($"FluxAspire.Api cannot start: {string.Join(" ", failures)}");
    return 1;
}

app.Run();
return 0;
