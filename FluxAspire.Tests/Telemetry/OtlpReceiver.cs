using System.Collections.Concurrent;
using System.IO.Compression;
using FluxAspire.Tests.Infrastructure;
using FluxAspire.Tests.Telemetry.Otlp;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluxAspire.Tests.Telemetry;

/// <summary>One span as an OTLP exporter sent it, with its resource's attributes.</summary>
public sealed record ReceivedSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, Span.Types.SpanKind Kind, ulong StartNanos, ulong EndNanos,
    IReadOnlyDictionary<string, object?> Attributes, IReadOnlyList<(string Name, ulong Nanos, IReadOnlyDictionary<string, object?> Attributes)> Events,
    IReadOnlyList<(string TraceId, string SpanId)> Links, Status.Types.StatusCode Status, string StatusMessage, IReadOnlyDictionary<string, object?> Resource)
{
    public object? this[string attribute] => Attributes.TryGetValue(attribute, out var value) ? value : null;

    public double DurationSeconds => (EndNanos - StartNanos) / 1e9;
}

/// <summary>One data point of a metric: a sum's or gauge's value, or a histogram's count and sum.</summary>
public sealed record ReceivedPoint(
    string Metric, string Unit, string Description, IReadOnlyDictionary<string, object?> Attributes, double Value, ulong Count, double Sum,
    IReadOnlyDictionary<string, object?> Resource)
{
    public object? this[string attribute] => Attributes.TryGetValue(attribute, out var value) ? value : null;
}

/// <summary>One log record.</summary>
public sealed record ReceivedLog(string Body, string Severity, string TraceId, string SpanId, IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyDictionary<string, object?> Resource);

/// <summary>
/// An OTLP/HTTP collector inside the test: a real Kestrel server on 127.0.0.1 that decodes the protobuf export requests
/// of /v1/traces, /v1/metrics and /v1/logs (the schema in Otlp/otlp.proto, compiled by the build) and keeps what they
/// carried. Point a process at it with <see cref="ExporterEnvironment"/>.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<ReceivedPoint> _points = new();
    private readonly ConcurrentQueue<ReceivedLog> _logs = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    public IReadOnlyList<ReceivedPoint> Points => [.. _points];

    public IReadOnlyList<ReceivedLog> Logs => [.. _logs];

    /// <summary>The standard variables that make an OpenTelemetry SDK export here, fast (short batch and metric intervals).</summary>
    public IReadOnlyDictionary<string, string> ExporterEnvironment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = BaseAddress.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
    };

    /// <summary>Waits until the spans received satisfy <paramref name="done"/>; returns them.</summary>
    public async Task<IReadOnlyList<ReceivedSpan>> WaitForSpansAsync(Func<IReadOnlyList<ReceivedSpan>, bool> done, TimeSpan timeout, string what)
    {
        if (await Eventually.TryUntilAsync(() => done(Spans), timeout, TimeSpan.FromMilliseconds(100)))
        {
            return Spans;
        }

        throw new TimeoutException($"no {what} within {timeout}; spans received: {string.Join(", ", Spans.Select(s => s.Name).Distinct())}");
    }

    /// <summary>Waits until the latest points received satisfy <paramref name="done"/>.</summary>
    public async Task<IReadOnlyList<ReceivedPoint>> WaitForPointsAsync(Func<IReadOnlyList<ReceivedPoint>, bool> done, TimeSpan timeout, string what)
    {
        if (await Eventually.TryUntilAsync(() => done(Points), timeout, TimeSpan.FromMilliseconds(100)))
        {
            return Points;
        }

        throw new TimeoutException($"no {what} within {timeout}; metrics received: {string.Join(", ", Points.Select(p => p.Metric).Distinct())}");
    }

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async context =>
        {
            receiver.Add(ExportTraceServiceRequest.Parser.ParseFrom(await ReadAsync(context.Request)));
            await Answer(context);
        });
        app.MapPost("/v1/metrics", async context =>
        {
            receiver.Add(ExportMetricsServiceRequest.Parser.ParseFrom(await ReadAsync(context.Request)));
            await Answer(context);
        });
        app.MapPost("/v1/logs", async context =>
        {
            receiver.Add(ExportLogsServiceRequest.Parser.ParseFrom(await ReadAsync(context.Request)));
            await Answer(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return receiver;
    }

    private static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        Stream source = request.Headers.ContentEncoding.ToString() == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
        await source.CopyToAsync(body);
        return body.ToArray();
    }

    private static Task Answer(HttpContext context)
    {
        context.Response.ContentType = "application/x-protobuf";
        return context.Response.Body.WriteAsync(new ExportResponse().ToByteArray()).AsTask();
    }

    private void Add(ExportTraceServiceRequest request)
    {
        foreach (var resource in request.ResourceSpans)
        {
            var resourceAttributes = Map(resource.Resource?.Attributes);
            foreach (var span in resource.ScopeSpans.SelectMany(s => s.Spans))
            {
                _spans.Enqueue(new ReceivedSpan(
                    Hex(span.TraceId), Hex(span.SpanId), Hex(span.ParentSpanId), span.Name, span.Kind, span.StartTimeUnixNano, span.EndTimeUnixNano,
                    Map(span.Attributes),
                    [.. span.Events.Select(e => (e.Name, e.TimeUnixNano, Map(e.Attributes)))],
                    [.. span.Links.Select(l => (Hex(l.TraceId), Hex(l.SpanId)))],
                    span.Status?.Code ?? Status.Types.StatusCode.Unset, span.Status?.Message ?? "", resourceAttributes));
            }
        }
    }

    private void Add(ExportMetricsServiceRequest request)
    {
        foreach (var resource in request.ResourceMetrics)
        {
            var resourceAttributes = Map(resource.Resource?.Attributes);
            foreach (var metric in resource.ScopeMetrics.SelectMany(s => s.Metrics))
            {
                var numbers = metric.DataCase switch
                {
                    Metric.DataOneofCase.Sum => metric.Sum.DataPoints,
                    Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints,
                    _ => [],
                };
                foreach (var point in numbers)
                {
                    var value = point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
                    _points.Enqueue(new ReceivedPoint(metric.Name, metric.Unit, metric.Description, Map(point.Attributes), value, 0, 0, resourceAttributes));
                }

                if (metric.DataCase == Metric.DataOneofCase.Histogram)
                {
                    foreach (var point in metric.Histogram.DataPoints)
                    {
                        _points.Enqueue(new ReceivedPoint(metric.Name, metric.Unit, metric.Description, Map(point.Attributes), point.Count, point.Count, point.Sum,
                            resourceAttributes));
                    }
                }
            }
        }
    }

    private void Add(ExportLogsServiceRequest request)
    {
        foreach (var resource in request.ResourceLogs)
        {
            var resourceAttributes = Map(resource.Resource?.Attributes);
            foreach (var log in resource.ScopeLogs.SelectMany(s => s.LogRecords))
            {
                _logs.Enqueue(new ReceivedLog(log.Body is null ? "" : Value(log.Body)?.ToString() ?? "", log.SeverityText, Hex(log.TraceId), Hex(log.SpanId),
                    Map(log.Attributes), resourceAttributes));
            }
        }
    }

    private static Dictionary<string, object?> Map(IEnumerable<KeyValue>? attributes) =>
        (attributes ?? []).GroupBy(a => a.Key).ToDictionary(g => g.Key, g => Value(g.Last().Value));

    private static object? Value(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(Value).ToArray(),
        _ => null,
    };

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
