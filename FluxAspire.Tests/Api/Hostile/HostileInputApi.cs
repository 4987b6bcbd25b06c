namespace FluxAspire.Tests.Api.Hostile;

/// <summary>One API on a fast simulator for the whole hostile-input table: model downloads configured (so /download
/// validates instead of answering 503), a webhook secret (so webhook_v2 is accepted), the receiver allow-listed.</summary>
public sealed class HostileInputApi() : ApiWithReceiver(new Dictionary<string, string>
{
    ["ComfyUI__ModelsDirectory"] = Directory.CreateTempSubdirectory("hostile-models-").FullName,
    ["WEBHOOK_SECRET"] = Convert.ToBase64String("a hostile-input suite secret"u8.ToArray()),
});
