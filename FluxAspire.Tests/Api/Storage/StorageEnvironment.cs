using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3;
using Azure.Storage.Blobs;
using FluxAspire.Tests.Api.Outbound;
using FluxAspire.Tests.Api.Webhooks;

namespace FluxAspire.Tests.Api.Storage;

[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<StorageEnvironment>
{
    public const string Name = "Storage emulators";
}

/// <summary>
/// Real storages on loopback, started for the storage tests: s3rver (S3 REST API, SigV4 checked against its S3RVER
/// keys) with the buckets <see cref="OutputBucket"/> and <see cref="InputBucket"/>, Azurite's blob service, and a
/// <see cref="LocalReceiver"/> that stands in for the Hugging Face Hub (<see cref="HubStandIn"/>) and receives webhooks.
/// The API runs on the simulator with every provider configured the standard way: AWS_REGION + AWS_ENDPOINT_URL + AWS keys,
/// AZURE_STORAGE_CONNECTION_STRING, HF_TOKEN + HF_ENDPOINT.
/// </summary>
public sealed class StorageEnvironment : IAsyncLifetime
{
    public const string OutputBucket = "fluxaspire-outputs";
    public const string InputBucket = "fluxaspire-inputs";
    public const long MultipartThreshold = 16 * 1024;

    public const string HubToken = "hf_test_token_0123456789";

    public EmulatorProcess S3 { get; private set; } = null!;

    public EmulatorProcess Azurite { get; private set; } = null!;

    public LocalReceiver Receiver { get; private set; } = null!;

    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public string ModelsDirectory => Path.Combine(Simulator.BaseDirectory, "models");

    public async Task InitializeAsync()
    {
        var s3 = EmulatorProcess.StartS3Async(OutputBucket, InputBucket);
        var azurite = EmulatorProcess.StartAzuriteAsync();
        var receiver = LocalReceiver.StartAsync();
        var simulator = SimulatorProcess.StartAsync("--step-ms", "5");
        S3 = await s3;
        Azurite = await azurite;
        Receiver = await receiver;
        Simulator = await simulator;
        HubStandIn.Install(Receiver);
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, new Dictionary<string, string>
        {
            ["OutboundUrls__Allow__0"] = Receiver.HostPort,
            ["WEBHOOK_SECRET"] = WebhookEnvironment.Secret,
            ["Webhooks__RetryDelay"] = "00:00:00.100",
            ["Storage__RetryDelay"] = "00:00:00.050",
            // Low enough that a 1024² output goes multipart (in 5 MiB parts: one part), high enough that 256² ones do not.
            ["Storage__MultipartThresholdBytes"] = MultipartThreshold.ToString(),
            ["ComfyUI__ModelsDirectory"] = ModelsDirectory,
            ["Cache__Enabled"] = "true",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = S3.BaseAddress.ToString(),
            ["AWS_ACCESS_KEY_ID"] = EmulatorProcess.S3AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = EmulatorProcess.S3SecretKey,
            ["AZURE_STORAGE_CONNECTION_STRING"] = Azurite.AzuriteConnectionString,
            ["HF_TOKEN"] = HubToken,
            ["HF_ENDPOINT"] = Receiver.BaseAddress.ToString(),
        });
    }

    /// <summary>A job id of its own for each test (the environment is shared by the storage tests).</summary>
    public static string NewId(string name) => $"{name}-{Guid.NewGuid():N}";

    /// <summary>POSTs <paramref name="body"/> to the API; its status, JSON body and text.</summary>
    public async Task<(HttpStatusCode Status, JsonObject Body, string Text)> PostAsync(string path, JsonObject body)
    {
        using var http = Api.CreateClient();
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject(), text);
    }

    /// <summary>An S3 client of the test's own, to put inputs and read back what the API uploaded.</summary>
    public AmazonS3Client S3Client() => S3.CreateS3Client();

    public BlobServiceClient BlobClient() => new(Azurite.AzuriteConnectionString);

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
        if (Azurite is not null) await Azurite.DisposeAsync();
        if (S3 is not null) await S3.DisposeAsync();
    }
}
