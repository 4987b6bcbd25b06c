using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Outbound;
using Microsoft.AspNetCore.Http;

namespace FluxAspire.Tests.Api.Storage;

/// <summary>
/// The Hugging Face Hub's commit endpoints, as huggingface_hub's create_commit calls them (the Hub itself is unreachable
/// here), served by a <see cref="LocalReceiver"/> that records every call:
/// <list type="bullet">
/// <item>POST /api/{models|datasets}/{repo}/preupload/{revision} {files:[{path, size, sample}]} → {files:[{path,
/// uploadMode, shouldIgnore:false}]}: uploadMode "lfs" for .png files, "regular" for the rest, so both paths run;</item>
/// <item>POST /{[datasets/]repo}.git/info/lfs/objects/batch (application/vnd.git-lfs+json) {operation:"upload",
/// transfers, objects:[{oid, size}], hash_algo} → {transfer:"basic", objects:[{oid, size, actions:{upload:{href, header},
/// verify:{href}}}]}, the upload href on /lfs-store/{oid} (checks its X-Upload-Token header, as a presigned store would)
/// and verify on /lfs-verify;</item>
/// <item>POST /api/{models|datasets}/{repo}/commit/{revision} (application/x-ndjson: a header line, then file and lfsFile
/// lines) → {commitUrl, commitOid};</item>
/// <item>anything for a repo named */missing → 404 with X-Error-Code: RepoNotFound, as the Hub answers;</item>
/// <item>the first preupload of a repo named */flaky-* → 503, as a Hub under load (the retry must get through).</item>
/// </list>
/// </summary>
internal static class HubStandIn
{
    public const string UploadToken = "lfs-presigned-token";

    public static void Install(LocalReceiver hub)
    {
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        hub.RespondAt("/api/", async (_, request, context) =>
        {
            if (request.Path.Contains("/flaky-", StringComparison.Ordinal) && request.Path.Contains("/preupload/", StringComparison.Ordinal)
                && seen.AddOrUpdate(request.Path, 1, (_, n) => n + 1) == 1)
            {
                context.Response.StatusCode = 503;
                return;
            }

            if (request.Path.Contains("/missing/", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 404;
                context.Response.Headers["X-Error-Code"] = "RepoNotFound";
                await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = "Repository not found" });
                return;
            }

            if (request.Path.Contains("/preupload/", StringComparison.Ordinal))
            {
                var files = JsonNode.Parse(request.BodyText)!["files"]!.AsArray().Select(f => (JsonNode)new JsonObject
                {
                    ["path"] = (string?)f!["path"],
                    ["uploadMode"] = ((string)f["path"]!).EndsWith(".png", StringComparison.Ordinal) ? "lfs" : "regular",
                    ["shouldIgnore"] = false,
                });
                await context.Response.WriteAsJsonAsync(new JsonObject { ["files"] = new JsonArray([.. files]) });
                return;
            }

            await context.Response.WriteAsJsonAsync(new JsonObject { ["commitUrl"] = $"{Base(context)}/commit/abc", ["commitOid"] = "abc123" });
        });

        hub.RespondAt("/lfs-store/", (_, request, context) =>
        {
            context.Response.StatusCode = request.Header("x-upload-token") == UploadToken ? 200 : 403;
            return Task.CompletedTask;
        });
        hub.RespondAt("/lfs-verify", (_, _, context) => Task.CompletedTask);
        hub.Respond = async (_, request, context) =>
        {
            if (!request.Path.EndsWith(".git/info/lfs/objects/batch", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 200; // webhooks and the rest
                return;
            }

            var objects = JsonNode.Parse(request.BodyText)!["objects"]!.AsArray().Select(o => (JsonNode)new JsonObject
            {
                ["oid"] = (string?)o!["oid"],
                ["size"] = (long)o["size"]!,
                ["actions"] = new JsonObject
                {
                    ["upload"] = new JsonObject { ["href"] = $"{Base(context)}/lfs-store/{(string?)o["oid"]}", ["header"] = new JsonObject { ["X-Upload-Token"] = UploadToken } },
                    ["verify"] = new JsonObject { ["href"] = $"{Base(context)}/lfs-verify" },
                },
            });
            context.Response.ContentType = "application/vnd.git-lfs+json";
            await context.Response.WriteAsync(new JsonObject { ["transfer"] = "basic", ["objects"] = new JsonArray([.. objects]) }.ToJsonString());
        };
    }

    private static string Base(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}";
}
