using FluxAspire.AppHost;
using FluxAspire.AppHost.Publishing;

var builder = DistributedApplication.CreateBuilder(args);

// ComfyUI:Mode picks where ComfyUI comes from (auto: the GPU container with the FLUX model where Docker/Podman and an
// NVIDIA GPU are found, else the GPU-free simulator; or container, simulator, external, executable). The log says which and why.
var comfyui = builder.AddComfyUI("comfyui", simulator: new Projects.FluxAspire_ComfySim());

// The recipe's API on http://localhost:3000 (its launch profile); it finds ComfyUI through ConnectionStrings__comfyui.
var api = builder.AddProject<Projects.FluxAspire_Api>("api")
    .WithReference(comfyui)
    .WaitFor(comfyui)
    .WithComfyUIFolders(comfyui)
    .WithHttpHealthCheck("/health");

builder.LogWhereToFind(api);

// With --publisher manifest: docker-compose.yml and salad-container-group.json next to the manifest (Deploy section).
builder.AddDeploymentFiles();

builder.Build().Run();
