namespace FluxAspire.ComfySim.Execution;

/// <summary>
/// A failure while executing a node, reported as ComfyUI's <c>execution_error</c>:
/// <paramref name="exceptionType"/> is the module-qualified Python class name (e.g. <c>PIL.UnidentifiedImageError</c>,
/// <c>RuntimeError</c>); the message is sent with a trailing newline, as ComfyUI does.
/// </summary>
public sealed class SimNodeException(string exceptionType, string message) : Exception(message)
{
    public string ExceptionType { get; } = exceptionType;
}
