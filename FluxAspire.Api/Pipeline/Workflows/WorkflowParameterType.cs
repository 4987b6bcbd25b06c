
namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>The value types a workflow parameter may have. <see cref="Image"/> is a string (base64 or an http(s) URL)
/// destined for a LoadImage-style input.</summary>
public enum WorkflowParameterType
{
    String,
    Integer,
    Number,
    Boolean,
    Image,
}
