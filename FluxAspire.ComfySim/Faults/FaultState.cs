using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Execution;

namespace FluxAspire.ComfySim.Faults;

/// <summary>Which node a fault applies to: by class_type, by node id, or both.</summary>
public sealed record NodeMatch(string? ClassType, string? NodeId)
{
    public bool Matches(string nodeId, string classType) =>
        (ClassType is null || ClassType == classType) && (NodeId is null || NodeId == nodeId);

    public void WriteTo(JsonObject json)
    {
        if (ClassType is not null) json["class_type"] = ClassType;
        if (NodeId is not null) json["node_id"] = NodeId;
    }
}

public sealed record FailNodeFault(NodeMatch Node, string ExceptionType, string Message);

public sealed record StallFault(NodeMatch Node);

public sealed record ExitProcessFault(NodeMatch Node, int ExitCode);

/// <summary>
/// Faults switched on at run time through /sim/faults. They act when a matching node starts executing (after its
/// <c>executing</c> message), until cleared.
/// </summary>
public sealed class FaultState(ILogger<FaultState> logger)
{
    private volatile FailNodeFault? _failNode;
    private volatile StallFault? _stall;
    private volatile ExitProcessFault? _exitProcess;

    public FailNodeFault? FailNode { get => _failNode; set => _failNode = value; }
    public StallFault? Stall { get => _stall; set => _stall = value; }
    public ExitProcessFault? ExitProcess { get => _exitProcess; set => _exitProcess = value; }

    public void Clear()
    {
        _failNode = null;
        _stall = null;
        _exitProcess = null;
    }

    /// <summary>Applies the faults for a node that is about to run: exit, stall (until cleared or interrupted), fail.</summary>
    public async Task BeforeNodeAsync(string nodeId, string classType, InterruptSignal interrupt)
    {
        if (_exitProcess is { } exit && exit.Node.Matches(nodeId, classType))
        {
            logger.LogWarning("Fault injection: exiting with code {Code} at node {Node} ({Class})", exit.ExitCode, nodeId, classType);
            ExitNow(exit.ExitCode);
        }

        while (_stall is { } stall && stall.Node.Matches(nodeId, classType) && !interrupt.IsRequested)
        {
            await Task.WhenAny(Task.Delay(50), interrupt.Raised);
        }

        interrupt.ThrowIfRequested();
        if (_failNode is { } fail && fail.Node.Matches(nodeId, classType))
        {
            throw new SimNodeException(fail.ExceptionType, fail.Message);
        }
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (_failNode is { } fail)
        {
            var f = new JsonObject();
            fail.Node.WriteTo(f);
            f["exception_type"] = fail.ExceptionType;
            f["message"] = fail.Message;
            json["fail_node"] = f;
        }

        if (_stall is { } stall)
        {
            var s = new JsonObject();
            stall.Node.WriteTo(s);
            json["stall"] = s;
        }

        if (_exitProcess is { } exit)
        {
            var e = new JsonObject();
            exit.Node.WriteTo(e);
            e["exit_code"] = exit.ExitCode;
            json["exit_process"] = e;
        }

        return json;
    }

    // A crash, not a shutdown: no host shutdown, no temp cleanup, no flushing — like a killed ComfyUI.
    private static void ExitNow(int code)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            NativeExit(code);
        }

        Environment.Exit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void NativeExit(int status);
}
