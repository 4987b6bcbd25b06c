using FluxAspire.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// ComfyUI:Mode picks where ComfyUI comes from: the GPU-free simulator by default, or an existing ComfyUI by URL.
var comfyui = builder.AddComfyUI("comfyui", simulator: new Projects.FluxAspire_ComfySim());

// The recipe's API on http://localhost:3000 (its launch profile); it finds ComfyUI through ConnectionStrings__comfyui.
var api = builder.AddProject<Projects.FluxAspire_Api>("api")
    .WithReference(comfyui)
    .WaitFor(comfyui)
    .WithComfyUIFolders(comfyui)
    .WithHttpHealthCheck("/health");

builder.LogWhereToFind(api, comfyui);

builder.Build().Run();
