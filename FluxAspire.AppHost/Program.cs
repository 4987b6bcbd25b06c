using FluxAspire.AppHost;
using FluxAspire.AppHost.Publishing;
using FluxAspire.AppHost.Redis;

var builder = DistributedApplication.CreateBuilder(args);

// Both auto modes below ask whether Docker/Podman answers: one probe asks once, so they go by the same answer.
var containerRuntime = new ContainerRuntimeProbe();

// ComfyUI:Mode picks where ComfyUI comes from (auto: the GPU container with the FLUX model where Docker/Podman and an
// NVIDIA GPU are found, else the GPU-free simulator; or container, simulator, external, executable). The log says which and why.
// ComfyUI:Gpus (container, executable) or ComfyUI:Simulators makes one ComfyUI per GPU, all behind the one API.
var comfyui = builder.AddComfyUIFleet("comfyui", simulator: new Projects.FluxAspire_ComfySim(), probe: new ComfyUIEnvironmentProbe(containerRuntime));

// Redis:Mode picks the shared Redis (jobs, result cache): a container where Docker/Podman answers, else Debian's
// redis-server, else none (the API then runs as a single node).
var cache = builder.AddRedisCache("cache", containerRuntime);

// The recipe's API on http://localhost:3000 (its launch profile); it finds ComfyUI through ConnectionStrings__comfyui
// (and the others through ComfyUI__Backends__<n>).
var api = builder.AddProject<Projects.FluxAspire_Api>("api")
    .WithComfyUI(comfyui)
    .WithRedisCache(cache)
    .WithHttpHealthCheck("/health");

builder.LogWhereToFind(api);

// With --publisher manifest: docker-compose.yml and salad-container-group.json next to the manifest (Deploy section).
builder.AddDeploymentFiles();

builder.Build().Run();
