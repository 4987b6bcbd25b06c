using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Uploads;
using FluxAspire.Api.Pipeline;

namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>The recipe's envelope around a workflow input: {input, id?, webhook?, webhook_v2?, convert_output?,
/// http_upload?, s3?, azure_blob_upload?, hf_upload?, credentials?}. Unknown keys are ignored, as the recipe does.</summary>
public sealed record WorkflowEnvelope(JsonNode? Input, string? Id, DeliveryOptions Delivery)
{
    /// <summary>The envelope, with a type error per field that has the wrong JSON type.</summary>
    public static WorkflowEnvelope Read(JsonObject body, IDictionary<string, string[]> errors)
    {
        string? String(string key)
        {
            switch (body[key])
            {
                case null:
                    return null;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    return v.GetValue<string>();
                default:
                    errors[key] = ["must be a string"];
                    return null;
            }
        }

        JsonObject? Object(string key)
        {
            switch (body[key])
            {
                case null:
                    return null;
                case JsonObject o:
                    return o.DeepClone().AsObject();
                default:
                    errors[key] = ["must be an object"];
                    return null;
            }
        }

        return new WorkflowEnvelope(body["input"], String("id"), new DeliveryOptions
        {
            Webhook = String("webhook"),
            WebhookV2 = String("webhook_v2"),
            ConvertOutput = Object("convert_output"),
            HttpUpload = Object("http_upload"),
            OtherUploads = UnsupportedUploads.Collect(UnsupportedUploads.Fields.Select(f => (f, body[f]?.DeepClone())).ToArray()),
            Credentials = body["credentials"]?.DeepClone(),
        });
    }
}
