namespace FluxAspire.Tests.JobsApi;

/// <summary>
/// A fast simulator (5 ms per step), a local webhook receiver, and an API that may call it, signs webhooks, and keeps a
/// synchronous job's output bytes only 1 s (Jobs:ResultRetention) — so the tests can tell POST /jobs's longer retention.
/// Shared by the classes of <see cref="JobsApiCollection"/>, which run one after another (history counts stay exact).
/// </summary>
public sealed class JobsApiEnvironment() : ApiWithReceiver(new Dictionary<string, string>
{
    ["WEBHOOK_SECRET"] = "whsec_Zmx1eGFzcGlyZS10ZXN0LWtleQ==",
    ["Jobs__ResultRetention"] = "00:00:01",
});

[CollectionDefinition(Name)]
public sealed class JobsApiCollection : ICollectionFixture<JobsApiEnvironment>
{
    public const string Name = "Jobs API";
}
