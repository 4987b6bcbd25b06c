using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using FluxAspire.Api.Operations.Telemetry;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>
/// What ComfyUI did with one prompt, as spans: a "comfyui run" span and, under it, one span per node it executed, from
/// the WebSocket's messages. "executing" {node} starts a node and ends the one before; "execution_cached" lists nodes
/// ComfyUI did not run (zero-length spans, cached = true); "progress" becomes an event on the running node (sampler
/// step/max); "execution_error" marks its node failed with ComfyUI's exception. Times are when our socket received each
/// message. Also records the per-node duration and sampler speed metrics.
/// </summary>
internal sealed class ComfyRunTrace : IDisposable
{
    private static readonly Histogram<double> NodeDuration = ApiTelemetry.Meter.CreateHistogram("fluxaspire.comfyui.node.duration", "s",
        "Time ComfyUI spent in one executed node (not cached), by class_type.", tags: null, advice: ApiTelemetry.Seconds);

    private static readonly Histogram<double> StepsPerSecond = ApiTelemetry.Meter.CreateHistogram("fluxaspire.comfyui.sampler.steps_per_second",
        "{step}/s", "Sampler speed of one node (from its first to its last progress message), by class_type.", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 100, 250, 1000] });

    private readonly Activity? _run;
    private readonly JsonObject _graph;
    private readonly TimeProvider _time;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private Activity? _node;
    private bool _failed;
    private string? _nodeId;
    private string? _nodeClass;
    private (int Step, DateTimeOffset At)? _firstStep;
    private (int Step, DateTimeOffset At) _lastStep;

    private ComfyRunTrace(Activity? run, JsonObject graph, TimeProvider time)
    {
        _run = run;
        _graph = graph;
        _time = time;
    }

    /// <summary>Starts the "comfyui run" span as the current span (a child of the job's).</summary>
    public static ComfyRunTrace Start(string promptId, JsonObject graph, Uri? comfyui, TimeProvider time)
    {
        var attempt = ApiTelemetry.CurrentAttempt;
        var run = ApiTelemetry.Source.StartActivity("comfyui run");
        run?.SetTag(ApiTelemetry.JobId, promptId);
        run?.SetTag(ApiTelemetry.JobAttempt, attempt);
        run?.SetTag("server.address", comfyui?.Host);
        run?.SetTag("server.port", comfyui?.Port);
        return new ComfyRunTrace(run, graph, time);
    }

    public void Observe(ComfyMessage message)
    {
        if (_run is null)
        {
            return;
        }

        if (message.ReceivedAt.UtcDateTime < _run.StartTimeUtc)
        {
            // ComfyUI began while its answer to POST /prompt was still on the way: the run starts when it did.
            _run.SetStartTime(message.ReceivedAt.UtcDateTime);
        }

        switch (message.Type)
        {
            case "execution_cached":
                foreach (var id in ComfyValues.AsStrings(message.Data["nodes"]))
                {
                    using var cached = StartNode(id, message.ReceivedAt, cached: true);
                    cached?.SetEndTime(message.ReceivedAt.UtcDateTime);
                }

                break;
            case "executing":
                EndNode(message.ReceivedAt);
                if (message.Node is { } node)
                {
                    _node = StartNode(node, message.ReceivedAt, cached: false);
                    _nodeId = node;
                    _nodeClass = ClassType(node);
                }

                break;
            case "progress" when ComfyProgress.From(message) is { } progress:
                OnProgress(progress, message.ReceivedAt);
                break;
            case "execution_error":
                Failed(message.Data, message.ReceivedAt);
                break;
            case "execution_success" or "execution_interrupted":
                EndNode(message.ReceivedAt);
                break;
        }
    }

    /// <summary>The prompt failed in a node: that node's span (when it is the running one) and the run's get ComfyUI's
    /// node id, class_type and exception. From the socket, or from history when the socket missed it.</summary>
    public void Failed(JsonObject error, DateTimeOffset? at = null)
    {
        var nodeId = ComfyValues.AsString(error["node_id"]);
        var nodeType = ComfyValues.AsString(error["node_type"]) ?? (nodeId is null ? null : ClassType(nodeId));
        var exceptionType = ComfyValues.AsString(error["exception_type"]) ?? "execution_error";
        var message = ComfyValues.AsString(error["exception_message"])?.TrimEnd() ?? "the node failed";
        if (_failed)
        {
            return; // the socket told it first; history repeats it
        }

        _failed = true;
        foreach (var span in (Activity?[])[_nodeId == nodeId ? _node : null, _run])
        {
            span?.SetTag(ApiTelemetry.NodeId, nodeId);
            span?.SetTag(ApiTelemetry.NodeClassType, nodeType);
            ApiTelemetry.Fail(span, "ExecutionFailed", message, exceptionType);
        }

        EndNode(at ?? _time.GetUtcNow(), recordMetric: false);
    }

    /// <summary>The run ended some other way (interrupted, lost, cancelled): its span says why.</summary>
    public void Failed(Exception exception)
    {
        EndNode(_time.GetUtcNow(), recordMetric: false);
        if (!_failed)
        {
            ApiTelemetry.Fail(_run, exception.GetType().Name.Replace("Exception", "", StringComparison.Ordinal), exception.Message, exception.GetType().FullName);
        }
    }

    public void Dispose()
    {
        EndNode(_time.GetUtcNow());
        _run?.SetTag(ApiTelemetry.NodeCount, _seen.Count);
        _run?.Dispose();
    }

    private Activity? StartNode(string id, DateTimeOffset at, bool cached)
    {
        var classType = ClassType(id);
        _seen.Add(id);
        var node = ApiTelemetry.Source.StartActivity(classType ?? $"node {id}", ActivityKind.Internal, _run!.Context, startTime: at);
        // StartActivity made the node current; the run stays the current span for everything else this prompt does.
        Activity.Current = _run;
        node?.SetTag(ApiTelemetry.NodeId, id);
        node?.SetTag(ApiTelemetry.NodeClassType, classType);
        node?.SetTag(ApiTelemetry.NodeCached, cached);
        return node;
    }

    private void OnProgress(ComfyProgress progress, DateTimeOffset at)
    {
        if (progress.Node is { } id && id != _nodeId)
        {
            // Progress for a node whose "executing" the socket missed: it is the running node now.
            EndNode(at);
            _node = StartNode(id, at, cached: false);
            _nodeId = id;
            _nodeClass = ClassType(id);
        }

        _node?.AddEvent(new ActivityEvent("progress", at, new ActivityTagsCollection
        {
            [ApiTelemetry.Step] = progress.Value,
            [ApiTelemetry.MaxSteps] = progress.Max,
        }));
        _firstStep ??= (progress.Value, at);
        _lastStep = (progress.Value, at);
    }

    private void EndNode(DateTimeOffset at, bool recordMetric = true)
    {
        if (_node is null)
        {
            return;
        }

        var classType = new KeyValuePair<string, object?>(ApiTelemetry.NodeClassType, _nodeClass ?? "unknown");
        _node.SetEndTime(at.UtcDateTime);
        if (recordMetric)
        {
            NodeDuration.Record(Math.Max(0, (at.UtcDateTime - _node.StartTimeUtc).TotalSeconds), classType);
        }

        if (_firstStep is { } first && _lastStep.Step > first.Step && _lastStep.At > first.At)
        {
            StepsPerSecond.Record((_lastStep.Step - first.Step) / (_lastStep.At - first.At).TotalSeconds, classType);
        }

        _node.Dispose();
        Activity.Current = _run;
        _node = null;
        _nodeId = null;
        _nodeClass = null;
        _firstStep = null;
    }

    private string? ClassType(string id) => ComfyValues.AsString((_graph[id] as JsonObject)?["class_type"]);
}
