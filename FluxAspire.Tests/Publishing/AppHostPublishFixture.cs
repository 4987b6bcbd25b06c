using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace FluxAspire.Tests.Publishing;

/// <summary>
/// Publishes the real AppHost once with the user's command, giving every secret parameter of its model (and the
/// optional model-download token) a recognisable value, so tests can prove none of them is written.
/// </summary>
public sealed class AppHostPublishFixture : IAsyncLifetime
{
    public PublishedDeployment Deployment { get; private set; } = null!;

    /// <summary>Secret parameter name → the value passed on the command line.</summary>
    public IReadOnlyDictionary<string, string> SecretValues { get; private set; } = new Dictionary<string, string>();

    private string _output = null!;

    public async Task InitializeAsync()
    {
        _output = Directory.CreateTempSubdirectory("fluxaspire-apphost-publish-").FullName;
        var names = new HashSet<string>(await SecretParameterNamesAsync()) { "hf-token" };
        SecretValues = names.ToDictionary(n => n, n => $"SECRET-{n}-{Guid.NewGuid():N}");
        Deployment = await AppHostPublish.RunAsync(_output, [.. SecretValues.Select(s => $"--Parameters:{s.Key}={s.Value}")]);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        return Task.CompletedTask;
    }

    // The AppHost's model as publishing builds it, without running anything.
    private async Task<IReadOnlyList<string>> SecretParameterNamesAsync()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--publisher", "manifest", "--output-path", _output]);
        return [.. builder.Resources.OfType<ParameterResource>().Where(p => p.Secret).Select(p => p.Name)];
    }
}
