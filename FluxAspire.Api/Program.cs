using FluxAspire.Api.Backpressure;
using FluxAspire.Api.Comfy;
using FluxAspire.Api.Downloads;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Inputs;
using FluxAspire.Api.Interrupts;
using FluxAspire.Api.Jobs;
using FluxAspire.Api.Models;
using FluxAspire.Api.OpenApi;
using FluxAspire.Api.Outbound;
using FluxAspire.Api.Outputs;
using FluxAspire.Api.Prompts;
using FluxAspire.Api.Readiness;
using FluxAspire.Api.SystemWebhooks;
using FluxAspire.Api.Webhooks;
using FluxAspire.Api.Workflows;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApiErrors();
builder.AddComfyClient();
builder.AddJobs();
builder.AddJobInputs();
builder.AddOutboundHttp();
builder.AddModelDownloads();
builder.AddResultDelivery();
builder.AddSystemWebhooks();
builder.AddOutputConversion();
builder.AddBackpressure();
builder.AddSyncEndpoints();
builder.AddWarmup();
builder.AddApiDocs();
builder.AddWorkflows();

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
app.MapDefaultEndpoints();

app.Run();
