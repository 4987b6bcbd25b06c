using System.Security.Cryptography;
using FluxAspire.Tests.Api.Inputs;
using FluxAspire.Tests.Api.Outbound;
using FluxAspire.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace FluxAspire.Tests.Api.Credentials;

/// <summary>
/// A file server on 127.0.0.1 whose paths each demand one auth variant (401 otherwise), a second server on another
/// port (another origin) that a redirect leads to and that records what arrived, a simulator whose models folder the
/// API downloads into (ComfyUI:ModelsDirectory), and the API allowed to reach both servers.
/// </summary>
public sealed class CredentialsApiFixture : IAsyncLifetime
{
    public const string Token = "tok-8f1d2c-secret";
    public const string User = "alice";
    public const string Password = "pw-77a1-secret";
    public const string HeaderName = "X-Api-Key";
    public const string HeaderValue = "hdr-5c9e-secret";
    public const string QueryParam = "sig";
    public const string QueryValue = "qry-3b2a-secret";

    public static readonly byte[] Png = TestImages.Png(16, 16);

    /// <summary>A fake model file: random bytes, large enough to span many reads.</summary>
    public static readonly byte[] Model = RandomNumberGenerator.GetBytes(300_000);

    public LocalReceiver Files { get; private set; } = null!;

    public LocalReceiver OtherOrigin { get; private set; } = null!;

    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public string ModelsDirectory => Path.Combine(Simulator.BaseDirectory, "models");

    public async Task InitializeAsync()
    {
        Files = await LocalReceiver.StartAsync();
        OtherOrigin = await LocalReceiver.StartAsync();
        Files.Respond = (_, request, context) => ServeAsync(request, context);
        OtherOrigin.Respond = async (_, _, context) =>
        {
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(Png);
        };
        Simulator = await SimulatorProcess.StartAsync("--step-ms", "5");
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, new Dictionary<string, string>
        {
            ["OutboundUrls__Allow__0"] = Files.HostPort,
            ["OutboundUrls__Allow__1"] = OtherOrigin.HostPort,
            ["ComfyUI__ModelsDirectory"] = ModelsDirectory,
            ["WEBHOOK_SECRET"] = "",
        });
    }

    public Uri Url(string pathAndQuery) => new(Files.BaseAddress, pathAndQuery);

    private async Task ServeAsync(ReceivedRequest request, HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var authorized = path.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() switch
        {
            "bearer" => request.Header("Authorization") == $"Bearer {Token}",
            "basic" => request.Header("Authorization") == "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{User}:{Password}")),
            "header" => request.Header(HeaderName) == HeaderValue,
            "query" => context.Request.Query[QueryParam] == QueryValue,
            "open" => true,
            "hook" => true,
            _ => false,
        };
        if (!authorized)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (path.EndsWith("/redirect", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = new Uri(OtherOrigin.BaseAddress, "/elsewhere.png").ToString();
        }
        else if (path.EndsWith(".png", StringComparison.Ordinal))
        {
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(Png);
        }
        else if (path.EndsWith(".safetensors", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/octet-stream";
            await context.Response.Body.WriteAsync(Model);
        }
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
        if (Files is not null) await Files.DisposeAsync();
        if (OtherOrigin is not null) await OtherOrigin.DisposeAsync();
    }
}
