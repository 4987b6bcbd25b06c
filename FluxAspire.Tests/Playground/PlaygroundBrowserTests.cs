using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.JobsApi;
using Microsoft.Playwright;

namespace FluxAspire.Tests.Playground;

/// <summary>
/// The playground in a real browser (Debian's chromium through Playwright) against the API and the simulator as real
/// processes: a prompt typed and submitted with Enter shows progress, a live preview and the final image at the
/// requested size; a validation error appears next to its field; a job waiting behind others shows its queue position;
/// a running job is cancelled; the gallery lists jobs
/// after a reload and re-runs one; a phone-sized viewport has no sideways scrolling. Screenshots go to artifacts/playground/.
/// </summary>
public sealed class PlaygroundBrowserTests(PlaygroundEnvironment env) : IClassFixture<PlaygroundEnvironment>
{
    private const string ProgressBetween = """
        () => { const p = document.getElementById('progress'); return p.max > 1 && p.value >= 1 && p.value < p.max ? p.value : false; }
        """;

    private static Task<IResponse> JobSubmittedAsync(IPage page) =>
        page.WaitForResponseAsync(r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/jobs");

    private static async Task<string> IdOfAsync(IResponse response) =>
        (await response.JsonAsync())!.Value.GetProperty("id").GetString()!;

    private static async Task FillAsync(IPage page, string prompt, int width, int height, int steps)
    {
        await page.Locator("#input-prompt").FillAsync(prompt);
        await page.Locator("#input-width").FillAsync(width.ToString());
        await page.Locator("#input-height").FillAsync(height.ToString());
        await page.Locator("#input-steps").FillAsync(steps.ToString());
    }

    [Fact]
    public async Task A_prompt_submitted_with_Enter_shows_progress_then_a_preview_then_the_image_at_the_requested_size()
    {
        await using var playground = await env.OpenAsync();
        var page = playground.Page;
        await playground.ReadyAsync();
        Assert.Equal(new Uri(env.Api.BaseAddress, "/playground/").ToString(), page.Url); // / redirects here
        Assert.Equal("text2img", await page.Locator("#workflow").InputValueAsync());
        // The sampler list is ComfyUI's own (from the schema in /openapi/v1.json).
        Assert.Contains("dpmpp_2m", await page.Locator("#input-sampler_name option").AllTextContentsAsync());

        await FillAsync(page, "a lighthouse at dusk, oil painting", 512, 384, steps: 30);
        var submitted = JobSubmittedAsync(page);
        await page.Locator("#input-prompt").PressAsync("Enter");
        var id = await IdOfAsync(await submitted);

        var first = await (await page.WaitForFunctionAsync(ProgressBetween)).JsonValueAsync<double>();
        await page.Locator("#image.preview[src^='data:image/jpeg;base64,']").WaitForAsync();
        Assert.Matches(@"^step \d+ / 30 · node 31$", await page.Locator("#step").TextContentAsync());
        await playground.ScreenshotAsync("playground-preview");
        await page.WaitForFunctionAsync($"() => document.getElementById('progress').value > {first}");

        await page.Locator("#image:not(.preview)[src^='blob:']").WaitForAsync();
        var size = await page.EvaluateAsync<int[]>("() => { const i = document.getElementById('image'); return [i.naturalWidth, i.naturalHeight]; }");
        Assert.Equal([512, 384], size);
        Assert.StartsWith("Done", await page.Locator("#status").TextContentAsync());
        Assert.Equal(30, await page.EvaluateAsync<double>("() => document.getElementById('progress').value"));
        // The gallery lists it (GET /jobs), with its thumbnail, and the job really ran.
        await page.Locator($"#gallery li[data-job-id='{id}'] img").WaitForAsync();
        var job = await new JobsClient(env.Api.CreateClient()).GetAsync(id);
        Assert.Equal("succeeded", (string?)job.Body["status"]);
        await Assertions.Expect(page.Locator("#placeholder")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#key-button")).ToBeHiddenAsync(); // no key asked for: the API needs none

        // The API drew the seed ("random"); the caption shows it and "Reuse seed" fixes it for the next run.
        await Assertions.Expect(page.Locator("#caption")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"512 × 384 · seed \d+$"));
        var seed = (await page.Locator("#caption").TextContentAsync())!.Split("seed ")[1];
        await page.Locator("#reuse-seed").ClickAsync();
        await Assertions.Expect(page.Locator("#input-seed")).ToHaveValueAsync(seed);
        await Assertions.Expect(page.Locator("#seed-random")).Not.ToBeCheckedAsync();
        await playground.ScreenshotAsync("playground");

        Assert.Empty(playground.ConsoleErrors);
    }

    [Fact]
    public async Task A_validation_error_is_shown_next_to_the_field_it_names()
    {
        await using var playground = await env.OpenAsync();
        var page = playground.Page;
        await playground.ReadyAsync();

        await FillAsync(page, "", 100, 512, steps: 4);
        await page.Locator("#submit").ClickAsync();

        var widthError = page.Locator("[data-field='input.width'] [id='error-input.width']");
        await Assertions.Expect(widthError).ToHaveTextAsync("must be between 256 and 2048");
        await Assertions.Expect(page.Locator("[data-field='input.prompt'] [id='error-input.prompt']")).ToHaveTextAsync("is required");
        await Assertions.Expect(page.Locator("#input-width")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#input-prompt")).ToBeFocusedAsync();
        await playground.ScreenshotAsync("playground-validation");

        // Corrected, the errors go and the job runs.
        await FillAsync(page, "corrected", 512, 512, steps: 2);
        await page.Locator("#submit").ClickAsync();
        await Assertions.Expect(widthError).ToBeEmptyAsync();
        await page.Locator("#image:not(.preview)[src^='blob:']").WaitForAsync();
    }

    [Theory]
    [InlineData("button")]
    [InlineData("Escape")]
    public async Task A_running_job_is_cancelled_with_the_cancel_button_or_Esc(string how)
    {
        await using var playground = await env.OpenAsync();
        var page = playground.Page;
        await playground.ReadyAsync();
        await FillAsync(page, $"a job to cancel with {how}", 512, 512, steps: 100);
        var submitted = JobSubmittedAsync(page);
        await page.Locator("#submit").ClickAsync();
        var id = await IdOfAsync(await submitted);
        await page.WaitForFunctionAsync(ProgressBetween);

        if (how == "button") await page.Locator("#cancel").ClickAsync();
        else await page.Keyboard.PressAsync("Escape");

        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Canceled.");
        await Assertions.Expect(page.Locator("#cancel")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#submit")).ToBeEnabledAsync();
        var job = await new JobsClient(env.Api.CreateClient()).GetAsync(id);
        Assert.Equal("canceled", (string?)job.Body["status"]);
        Assert.True((int?)job.Body["progress"]?["value"] < 100);
        await Assertions.Expect(page.Locator($"#gallery li[data-job-id='{id}'] .badge")).ToContainTextAsync("canceled");
    }

    [Fact]
    public async Task A_job_waiting_behind_others_shows_its_queue_position_until_it_runs()
    {
        // Both of ComfyUI's slots (Jobs:Prefetch=2) busy with long jobs and one more waiting: the page's job is second in line.
        var jobs = new JobsClient(env.Api.CreateClient());
        var ahead = new List<string>();
        foreach (var seed in new ulong[] { 1, 2, 3 })
        {
            // A graph, so it may take 1000 steps (a minute): only the cancels below end them.
            ahead.Add((string)(await jobs.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 1000, seed: seed) })).Body["id"]!);
        }

        await jobs.WaitForStatusAsync(ahead[1], "running");
        await using var playground = await env.OpenAsync();
        var page = playground.Page;
        await playground.ReadyAsync();
        await FillAsync(page, "a job that waits its turn", 256, 256, steps: 3);
        var submitted = JobSubmittedAsync(page);
        await page.Locator("#submit").ClickAsync();
        var id = await IdOfAsync(await submitted);

        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Queued — position 2");
        await playground.ScreenshotAsync("playground-queued");
        // A running job ends, the one ahead starts: the page's job moves up (a "queue" event).
        await jobs.CancelAsync(ahead[0]);
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Queued — position 1");
        Assert.Equal(1, (int?)(await jobs.GetAsync(id)).Body["queue_position"]);

        foreach (var other in ahead.Skip(1)) await jobs.CancelAsync(other);
        await page.Locator("#image:not(.preview)[src^='blob:']").WaitForAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Done"));
        Assert.Empty(playground.ConsoleErrors);
    }

    [Fact]
    public async Task After_a_reload_the_gallery_lists_the_job_opens_it_copies_it_as_curl_and_reruns_it_with_the_same_input()
    {
        var jobs = new JobsClient(env.Api.CreateClient());
        var id = (string)(await jobs.SubmitAsync(new JsonObject
        {
            ["workflow"] = "text2img",
            ["input"] = new JsonObject { ["prompt"] = "a gallery lighthouse", ["width"] = 384, ["height"] = 256, ["steps"] = 3 },
        })).Body["id"]!;
        await jobs.WaitForStatusAsync(id, "succeeded");
        await using var playground = await env.OpenAsync();
        var page = playground.Page;
        await playground.ReadyAsync();

        await page.ReloadAsync();
        await playground.ReadyAsync();

        var card = page.Locator($"#gallery li[data-job-id='{id}']");
        await Assertions.Expect(card).ToContainTextAsync("a gallery lighthouse");
        await Assertions.Expect(card).ToContainTextAsync("384×256");
        await card.Locator(".thumb img").WaitForAsync();
        await Assertions.Expect(card.Locator("a[download]")).ToHaveAttributeAsync("download", new System.Text.RegularExpressions.Regex(@"\.png$"));

        await card.Locator(".thumb").ClickAsync();
        await Assertions.Expect(page.Locator("#caption")).ToContainTextAsync("a gallery lighthouse · 384 × 256 · seed ");

        await card.GetByRole(AriaRole.Button, new() { Name = "curl" }).ClickAsync();
        var curl = await page.Locator("#curl").TextContentAsync();
        Assert.StartsWith($"curl -X POST '{new Uri(env.Api.BaseAddress, "/jobs")}'", curl!.Replace("\n", ""));
        Assert.Contains("\"prompt\":\"a gallery lighthouse\"", curl);

        var listed = (await jobs.Http.GetFromJsonAsync<JsonObject>("/jobs?limit=100"))!["jobs"]!.AsArray()
            .Single(j => (string?)j!["job"]!["id"] == id)!;
        var submitted = JobSubmittedAsync(page);
        await card.GetByRole(AriaRole.Button, new() { Name = "Re-run" }).ClickAsync();
        var rerun = await submitted;
        var body = JsonNode.Parse(rerun.Request.PostData!)!;
        Assert.Equal("text2img", (string?)body["workflow"]);
        Assert.True(JsonNode.DeepEquals(listed["input"], body["input"]), $"re-run with {body["input"]}, listed {listed["input"]}");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Done"));
    }

    [Fact]
    public async Task On_a_phone_sized_viewport_the_page_fits_without_sideways_scrolling()
    {
        await using var playground = await env.OpenAsync(width: 390, height: 844);
        var page = playground.Page;
        await playground.ReadyAsync();

        await Assertions.Expect(page.Locator("#result-actions")).ToBeHiddenAsync(); // nothing to act on yet
        await Assertions.Expect(page.Locator("#more")).ToBeHiddenAsync();
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page is {overflow} px wider than the viewport");
        var formRight = await page.EvaluateAsync<double>("() => document.getElementById('form').getBoundingClientRect().right");
        Assert.True(formRight <= 390);
        await playground.ScreenshotAsync("playground-phone");
        Assert.Empty(playground.ConsoleErrors);
    }
}

/// <summary>With Api:Key set, the page asks for the key once, refuses a wrong one, and sends the right one with every call.</summary>
public sealed class PlaygroundApiKeyTests(KeyedPlaygroundEnvironment env) : IClassFixture<KeyedPlaygroundEnvironment>
{
    [Fact]
    public async Task The_page_asks_for_the_key_once_and_works_with_it()
    {
        using var http = env.Api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/playground/")).StatusCode);

        await using var playground = await env.OpenAsync();
        var page = playground.Page;
        var dialog = page.Locator("#key-dialog[open]");
        await dialog.WaitForAsync();
        await playground.ScreenshotAsync("playground-api-key", fullPage: false);

        await page.Locator("#api-key").FillAsync("not-the-key");
        await page.Locator("#key-save").ClickAsync();
        await Assertions.Expect(page.Locator("#key-message")).ToContainTextAsync("refused");
        await page.Locator("#api-key").FillAsync(KeyedPlaygroundEnvironment.Key);
        await page.Locator("#key-save").ClickAsync();
        await playground.ReadyAsync();
        await Assertions.Expect(page.Locator("#key-dialog")).Not.ToHaveAttributeAsync("open", "");

        await page.Locator("#input-prompt").FillAsync("behind a key");
        await page.Locator("#input-steps").FillAsync("3");
        var submitted = page.WaitForResponseAsync(r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/jobs");
        await page.Locator("#input-prompt").PressAsync("Enter");
        var response = await submitted;
        Assert.Equal(202, response.Status);
        Assert.Equal(KeyedPlaygroundEnvironment.Key, response.Request.Headers["x-api-key"]);
        await page.Locator("#image:not(.preview)[src^='blob:']").WaitForAsync();

        // Asked once: another page of the same browser has the key already.
        var again = await playground.Context.NewPageAsync();
        await again.GotoAsync("/");
        await again.Locator("body[data-ready=true]").WaitForAsync();
        Assert.Equal(0, await again.Locator("#key-dialog[open]").CountAsync());
        await again.Locator("#gallery li .thumb img").First.WaitForAsync();
    }
}
