namespace FluxAspire.Tests.Publishing;

/// <summary>The files published from <see cref="GpuHostModel"/>, once per test class, removed afterwards.</summary>
public sealed class GpuHostDeployment : IAsyncLifetime
{
    public PublishedDeployment Deployment { get; private set; } = null!;

    public async Task InitializeAsync() => Deployment = await ModelPublish.RunAsync(GpuHostModel.Describe, GpuHostModel.SecretArgs);

    public Task DisposeAsync()
    {
        Directory.Delete(Deployment.Directory, recursive: true);
        return Task.CompletedTask;
    }
}
