using FluxAspire.Api.Comfy;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Jobs;
using FluxAspire.Api.Models;
using FluxAspire.Api.OpenApi;
using FluxAspire.Api.Prompts;
using FluxAspire.Api.Readiness;
using FluxAspire.Api.Workflows;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApiErrors();
builder.AddComfyClient();
builder.AddJobs();
builder.AddSyncEndpoints();
builder.AddWarmup();
builder.AddApiDocs();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapApiDocs();
app.MapWorkflowApi();
app.MapPromptApi();
app.MapReadinessApi();
app.MapModelsApi();
app.MapDefaultEndpoints();

app.Run();
