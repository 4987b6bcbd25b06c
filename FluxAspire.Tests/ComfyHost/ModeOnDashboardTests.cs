using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using FluxAspire.Tests.AppHost;
using Microsoft.Extensions.DependencyInjection;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>The running AppHost (shared fixture) shows the chosen ComfyUI mode and its reason as dashboard properties.</summary>
[Collection(AppHostCollection.Name)]
public sealed class ModeOnDashboardTests(AppHostFixture fixture)
{
    [Fact]
    public void Comfyui_shows_its_mode_and_why()
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var mode = Assert.Single(Assert.Single(model.Resources, r => r.Name == "comfyui").Annotations.OfType<ComfyUIModeAnnotation>());

        Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState("comfyui", out var state));

        var properties = state.Snapshot.Properties.ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(mode.ModeName, properties[ComfyUIModeAnnotation.ModeProperty]);
        Assert.Equal(mode.Reason, properties[ComfyUIModeAnnotation.ReasonProperty]);
        // The fixture pins the simulator (so a machine with Docker and a GPU still tests GPU-free), and the reason says so;
        // auto mode's reasons are checked through a fake probe in AutoModeTests.
        Assert.Equal(ComfyUIMode.Simulator, mode.Mode);
        Assert.Equal("set by ComfyUI:Mode", mode.Reason);
    }
}
