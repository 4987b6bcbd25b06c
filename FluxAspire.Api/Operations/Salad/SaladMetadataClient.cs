using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using FluxAspire.Api.Delivery;

namespace FluxAspire.Api.Operations.Salad;

/// <summary>
/// The two calls the API makes to Salad's metadata service: PUT /v1/deletion-cost and POST /v1/reallocate, each with the
/// "Metadata: true" header Salad requires. The HttpClient's timeout is Salad:RequestTimeout; callers log failures.
/// </summary>
public sealed class SaladMetadataClient(HttpClient http)
{
    public const string ClientName = "salad-metadata";

    // JSON as JavaScript writes it, like everything else the API sends.
    private static readonly SaladJsonContext Json = new(new JsonSerializerOptions { Encoder = JsonStringifyEncoder.Instance });

    public async Task SetDeletionCostAsync(int cost, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "v1/deletion-cost")
        {
            Content = JsonContent.Create(new DeletionCostBody(cost), Json.DeletionCostBody),
        };
        await SendAsync(request, cancellationToken);
    }

    public async Task ReallocateAsync(string reason, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/reallocate")
        {
            Content = JsonContent.Create(new ReallocateBody(reason), Json.ReallocateBody),
        };
        await SendAsync(request, cancellationToken);
    }

    private async Task SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Add("Metadata", "true");
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{request.Method} {request.RequestUri?.AbsolutePath} answered {(int)response.StatusCode} {response.ReasonPhrase}",
                null, response.StatusCode);
        }
    }
}

internal sealed record DeletionCostBody([property: JsonPropertyName("deletion_cost")] int DeletionCost);

internal sealed record ReallocateBody([property: JsonPropertyName("reason")] string Reason);

[JsonSerializable(typeof(DeletionCostBody))]
[JsonSerializable(typeof(ReallocateBody))]
internal sealed partial class SaladJsonContext : JsonSerializerContext;
