using System.Text.Json;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.JobsApi;

/// <summary>GET /jobs on one API in memory: POST /jobs jobs newest first, paged with limit and before, each with its
/// prompt text, size and input; synchronous requests are not listed. Its own API, so the listing holds only these jobs.</summary>
public sealed class JobListTests(ApiWithSimulator env) : IClassFixture<ApiWithSimulator>
{
    private readonly HttpClient _http = env.Api.CreateClient();

    private async Task<string> SubmitAsync(string prompt, int width = 512, int height = 256)
    {
        var jobs = new JobsClient(_http);
        var answer = await jobs.SubmitAsync(new JsonObject
        {
            ["workflow"] = "text2img",
            ["input"] = new JsonObject { ["prompt"] = prompt, ["width"] = width, ["height"] = height, ["steps"] = 2 },
        });
        Assert.Equal(HttpStatusCode.Accepted, answer.Status);
        var id = (string)answer.Body["id"]!;
        await jobs.WaitForStatusAsync(id, "succeeded");
        return id;
    }

    private async Task<JsonObject> ListAsync(string query = "")
    {
        using var response = await _http.GetAsync("/jobs" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task Jobs_are_listed_newest_first_in_pages_with_prompt_size_input_and_output_links()
    {
        var first = await SubmitAsync("first lighthouse", 512, 256);
        var second = await SubmitAsync("second lighthouse", 256, 512);
        var graph = (string)(await new JobsClient(_http).SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(320, 192, steps: 2) })).Body["id"]!;
        await new JobsClient(_http).WaitForStatusAsync(graph, "succeeded");
        // A synchronous request is a job too, but not one a gallery can show later: not listed.
        (await _http.PostAsJsonAsync("/workflow/text2img", new { input = new { prompt = "sync", steps = 2 } })).EnsureSuccessStatusCode();

        var page1 = await ListAsync("?limit=2");

        var items = page1["jobs"]!.AsArray().Select(j => j!.AsObject()).ToList();
        Assert.Equal([graph, second], items.Select(j => (string)j["job"]!["id"]!));
        Assert.Equal($"/jobs?limit=2&before={second}", (string?)page1["next"]);
        var graphItem = items[0];
        Assert.Equal((null, null, 320, 192), ((string?)graphItem["workflow"], (string?)graphItem["prompt"], (int)graphItem["width"]!, (int)graphItem["height"]!));
        var secondItem = items[1];
        Assert.Equal(("text2img", "second lighthouse", 256, 512), ((string?)secondItem["workflow"], (string?)secondItem["prompt"], (int)secondItem["width"]!, (int)secondItem["height"]!));
        Assert.Equal("succeeded", (string?)secondItem["job"]!["status"]);
        Assert.Equal($"/jobs/{second}/outputs/0", (string?)secondItem["job"]!["result"]!["outputs"]![0]!["url"]);
        // The input as it ran, the seed drawn for it included: enough to run it again.
        Assert.Equal(JsonValueKind.Number, secondItem["input"]!["seed"]!.GetValueKind());
        Assert.Equal(2, (int)secondItem["input"]!["steps"]!);
        // The item's job is the job's own body.
        Assert.Equal((await new JobsClient(_http).GetAsync(second)).Body.ToJsonString(), secondItem["job"]!.ToJsonString());

        var page2 = await ListAsync((string)page1["next"]! is var next ? next["/jobs".Length..] : "");

        Assert.Equal([first], page2["jobs"]!.AsArray().Select(j => (string)j!["job"]!["id"]!));
        Assert.Null((string?)page2["next"]);
        Assert.Equal([graph, second, first], (await ListAsync())["jobs"]!.AsArray().Select(j => (string)j!["job"]!["id"]!));
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?limit=ten", "limit")]
    [InlineData("?before=no-such-job", "before")]
    public async Task A_bad_limit_or_an_unknown_before_is_a_400_naming_it(string query, string field)
    {
        using var response = await _http.GetAsync("/jobs" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal([field], problem["errors"]!.AsObject().Select(e => e.Key));
    }
}
