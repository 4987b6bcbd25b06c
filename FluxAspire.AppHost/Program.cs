var builder = DistributedApplication.CreateBuilder(args);

var comfyui = builder.AddProject<Projects.FluxAspire_ComfySim>("comfyui");

builder.AddProject<Projects.FluxAspire_Api>("api")
    .WithReference(comfyui.GetEndpoint("http"))
    .WaitFor(comfyui);

builder.Build().Run();
