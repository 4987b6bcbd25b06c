using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.AppHost.Publishing;

/// <summary>
/// salad-container-group.json: the body of SaladCloud's create-container-group call
/// (<c>POST https://api.salad.com/api/public/organizations/{org}/projects/{project}/containers</c>) for the one image
/// in which the API supervises ComfyUI. Environment values that are secrets or per-deployment are <c>${NAME}</c>
/// placeholders that <c>salad-deploy.sh</c> fills in; the rest follows the recipe's container group.
/// </summary>
internal sealed class SaladContainerGroup(DeploymentModel model)
{
    public const string FileName = "salad-container-group.json";
    public const string ReadinessPath = "/ready";
    public const string StartupPath = "/health";

    private readonly SaladValueRenderer _values = new(model);

    public IReadOnlyCollection<Placeholder> Variables => _values.Placeholders;

    /// <summary>App-model variables the one image has no value for (e.g. Aspire's CACHE_HOST for a Redis outside it), with why.</summary>
    public IReadOnlyList<(string Name, string Reason)> LeftOut => _leftOut;

    private readonly List<(string Name, string Reason)> _leftOut = [];

    public async Task<string> BuildAsync(CancellationToken cancellationToken)
    {
        var salad = model.Options.Salad;
        var port = model.Options.Port;
        var resources = new JsonObject
        {
            ["cpu"] = salad.Cpu,
            ["memory"] = salad.MemoryMb,
            ["gpu_classes"] = new JsonArray([.. salad.GpuClasses.Select(c => JsonValue.Create(c))]),
            ["storage_amount"] = salad.StorageGb * 1024L * 1024 * 1024,
        };
        var group = new JsonObject
        {
            ["name"] = salad.Name,
            ["container"] = new JsonObject
            {
                ["image"] = salad.Image,
                ["resources"] = resources,
                ["environment_variables"] = await EnvironmentAsync(cancellationToken),
                ["image_caching"] = true,
            },
            ["autostart_policy"] = true,
            ["restart_policy"] = "always",
            ["replicas"] = salad.Replicas,
            ["networking"] = new JsonObject
            {
                ["protocol"] = "http",
                ["port"] = port,
                ["auth"] = salad.Auth,
                // A GPU does one image at a time: send each request to the replica with the fewest in flight.
                ["load_balancer"] = "least_number_of_connections",
                ["single_connection_limit"] = false,
                ["client_request_timeout"] = 100000,
                ["server_response_timeout"] = 100000,
            },
            // /health answers as soon as the API listens, whatever ComfyUI is doing: a long model download never restarts the container.
            ["startup_probe"] = Probe(StartupPath, port, failureThreshold: 60),
            // /ready is false until ComfyUI is up and warm, and while its queue is full: the gateway sends no work then.
            ["readiness_probe"] = Probe(ReadinessPath, port, failureThreshold: 3),
        };
        if (salad.CountryCodes.Count > 0)
        {
            group["country_codes"] = new JsonArray([.. salad.CountryCodes.Select(c => JsonValue.Create(c.ToLowerInvariant()))]);
        }

        return group.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    private async Task<JsonObject> EnvironmentAsync(CancellationToken cancellationToken)
    {
        var environment = new JsonObject();
        foreach (var (name, value) in await model.EnvironmentAsync(model.Api, cancellationToken))
        {
            try
            {
                environment[name] = _values.Render(value);
            }
            catch (NotSupportedException notInTheImage)
            {
                _leftOut.Add((name, notInTheImage.Message));
            }
        }

        foreach (var (name, value) in DeploymentModel.TelemetryEnvironment(model.Api))
        {
            AddIfAbsent(environment, name, value(_values));
        }

        AddIfAbsent(environment, "WEBHOOK_SECRET", _values.Use(Placeholder.WebhookSecret));
        if (!model.Options.Salad.Auth)
        {
            // Without Salad's gateway key anyone can call the API: our own X-Api-Key check stands in.
            AddIfAbsent(environment, "Api__Key", _values.Use(Placeholder.ApiKey with { Required = true }));
        }

        return environment;
    }

    private static void AddIfAbsent(JsonObject environment, string name, string value)
    {
        if (!environment.ContainsKey(name))
        {
            environment[name] = value;
        }
    }

    private static JsonObject Probe(string path, int port, int failureThreshold) => new()
    {
        ["http"] = new JsonObject { ["path"] = path, ["port"] = port, ["scheme"] = "http", ["headers"] = new JsonArray() },
        ["initial_delay_seconds"] = 0,
        ["period_seconds"] = 2,
        ["timeout_seconds"] = 2,
        ["success_threshold"] = 1,
        ["failure_threshold"] = failureThreshold,
    };
}
