namespace FluxAspire.ComfySim.Validation;

/// <summary>
/// An exception as Python would raise it while ComfyUI validates a prompt (KeyError, IndexError, TypeError, …).
/// <see cref="Exception.Message"/> is Python's <c>str(ex)</c>, e.g. <c>'99'</c> for <c>KeyError('99')</c>.
/// </summary>
public sealed class PythonException(string typeName, string message) : Exception(message)
{
    /// <summary>ComfyUI's full_type_name: builtins have no module prefix, e.g. "KeyError".</summary>
    public string TypeName { get; } = typeName;
}
