namespace Aspire.Hosting;

/// <summary>What one environment check found, in words fit for the log and the dashboard.</summary>
/// <param name="Found">Whether the thing is there and answering.</param>
/// <param name="Detail">What was found (e.g. <c>docker 27.3.1</c>) or why not (e.g. <c>nvidia-smi not found on PATH</c>).</param>
/// <param name="Count">How many were found, where that means something (GPUs); 0 when not counted.</param>
public sealed record ProbeResult(bool Found, string Detail, int Count = 0);
