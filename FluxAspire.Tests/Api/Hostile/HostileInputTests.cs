using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Api.Hostile;

/// <summary>
/// The standing bad-input suite: every row is a hostile request sent to the real API process. Each must get a 4xx
/// problem-details answer that names the field at fault (where there is one), never a 500 or a hang, and the API must
/// serve a good request right after it. Rows are written by hand (the classes an outside campaign found) and
/// generated (seeded mutations of valid bodies), so a new hole in parsing shows up here first.
/// </summary>
public class HostileInputTests(HostileInputApi env) : IClassFixture<HostileInputApi>
{
    private readonly HttpClient _http = env.Api.CreateClient(TimeSpan.FromSeconds(30));

    public sealed record Case(string Method, string Path, byte[] Body, string? ContentType, string? Field, IReadOnlyDictionary<string, string>? Headers = null);

    private const string Json = "application/json";
    private const string Good = """{"input":{"prompt":"a lighthouse","width":256,"height":256,"steps":1}}""";
    private const string Graph = """{"6":{"class_type":"CLIPTextEncode","inputs":{"text":"x","clip":["30",1]}},"30":{"class_type":"CheckpointLoaderSimple","inputs":{"ckpt_name":"flux1-dev-fp8.safetensors"}}}""";

    /// <summary>JSON text as UTF-8, where "&lt;FF&gt;" stands for the byte 0xFF (never valid in UTF-8).</summary>
    private static byte[] Bytes(string text)
    {
        var parts = text.Split("<FF>");
        var bytes = new List<byte>();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0) bytes.Add(0xFF);
            bytes.AddRange(Encoding.UTF8.GetBytes(parts[i]));
        }

        return [.. bytes];
    }

    private static Case Post(string path, string body, string? field, string? contentType = Json, IReadOnlyDictionary<string, string>? headers = null) =>
        new("POST", path, Bytes(body), contentType, field, headers);

    private static string Text2Img(string input) => $$"""{"input":{{input}}}""";

    private static readonly string[] BodyEndpoints = ["/workflow/text2img", "/prompt", "/jobs", "/download"];

    public static readonly IReadOnlyDictionary<string, Case> Cases = BuildCases();

    public static IEnumerable<object[]> CaseNames() => Cases.Keys.Select(name => new object[] { name });

    private static Dictionary<string, Case> BuildCases()
    {
        var cases = new Dictionary<string, Case>(StringComparer.Ordinal);
        void Add(string name, Case c) => cases.Add(name, c);

        // Bodies that are not JSON objects at all, on every endpoint that reads one.
        foreach (var path in BodyEndpoints)
        {
            var p = path.TrimStart('/').Replace('/', '-');
            Add($"{p}: truncated", Post(path, """{"input":{"prompt":"a""", "body"));
            Add($"{p}: trailing garbage", Post(path, """{"id":"a"} x""", "body"));
            Add($"{p}: trailing comma", Post(path, """{"id":"a",}""", "body"));
            Add($"{p}: comment", Post(path, """{/* c */"id":"a"}""", "body"));
            Add($"{p}: single quotes", Post(path, "{'id':'a'}", "body"));
            Add($"{p}: array", Post(path, "[]", "body"));
            Add($"{p}: number", Post(path, "42", "body"));
            Add($"{p}: empty", Post(path, "", "body"));
            Add($"{p}: text/plain", Post(path, Good, "body", "text/plain"));
            // What the campaign found as 500s: a key given twice, bytes that are not UTF-8, a lone surrogate.
            Add($"{p}: duplicate root key", Post(path, """{"id":"a","id":"b"}""", "id"));
            Add($"{p}: duplicate nested key", Post(path, """{"input":{"prompt":"a","prompt":"b"},"prompt":{"1":{"class_type":"A","class_type":"B"}},"auth":{"type":"bearer","type":"basic"}}""", null));
            Add($"{p}: invalid UTF-8 in a value", Post(path, """{"id":"a<FF>b"}""", "id"));
            Add($"{p}: invalid UTF-8 in a key", Post(path, """{"i<FF>d":"a"}""", null));
            Add($"{p}: lone high surrogate", Post(path, """{"id":"\ud800"}""", "id"));
            Add($"{p}: lone low surrogate", Post(path, """{"id":"x\udc00y"}""", "id"));
        }

        // Deep values with the same three faults, where only a handler would have touched them.
        Add("workflow: lone surrogate in the prompt", Post("/workflow/text2img", Text2Img("""{"prompt":"\ud800"}"""), "input.prompt"));
        Add("workflow: invalid UTF-8 in the prompt", Post("/workflow/text2img", Text2Img("""{"prompt":"<FF>"}"""), "input.prompt"));
        Add("workflow: duplicate input", Post("/workflow/text2img", """{"input":{"prompt":"a"},"input":{"prompt":"b"}}""", "input"));
        Add("prompt: lone surrogate in a node", Post("/prompt", """{"prompt":{"1":{"class_type":"\ud800","inputs":{}}}}""", "prompt.1.class_type"));
        Add("prompt: duplicate node id", Post("/prompt", """{"prompt":{"1":{"class_type":"A","inputs":{}},"1":{"class_type":"B","inputs":{}}}}""", "prompt.1"));
        Add("jobs: lone surrogate in a workflow input", Post("/jobs", """{"workflow":"text2img","input":{"prompt":"\ud800"}}""", "input.prompt"));
        Add("download: lone surrogate in the auth token", Post("/download", """{"url":"http://127.0.0.1:9/a.safetensors","model_type":"loras","auth":{"type":"bearer","token":"a\ud800"}}""", "auth.token"));

        // Header injection: every value that becomes a header is checked.
        Add("download: CR/LF in a bearer token", Post("/download", """{"url":"http://127.0.0.1:9/a.safetensors","model_type":"loras","auth":{"type":"bearer","token":"a\r\nX-Injected: 1"}}""", "auth.token"));
        Add("download: non-ASCII bearer token", Post("/download", """{"url":"http://127.0.0.1:9/a.safetensors","model_type":"loras","auth":{"type":"bearer","token":"tökén"}}""", "auth.token"));
        Add("download: CR/LF in a header value", Post("/download", """{"url":"http://127.0.0.1:9/a.safetensors","model_type":"loras","auth":{"type":"header","header_name":"X-Key","header_value":"a\nb"}}""", "auth.header_value"));
        Add("workflow: CR/LF in a credentials token", Post("/workflow/text2img", """{"input":{"prompt":"a"},"credentials":[{"url_pattern":"**","auth":{"type":"bearer","token":"a\r\nb"}}]}""", "credentials[0].auth.token"));
        Add("jobs: Idempotency-Key of 300 characters", Post("/jobs", """{"workflow":"text2img","input":{"prompt":"a"}}""", "Idempotency-Key", headers: new Dictionary<string, string> { ["Idempotency-Key"] = new string('k', 300) }));

        // Ids: one rule (\z, not $) wherever an id becomes a header, a file name or a key.
        foreach (var (name, id) in new[] { ("trailing newline", "x\\n"), ("slash", "a/b"), ("dot-dot", "../x"), ("129 characters", new string('i', 129)), ("empty", ""), ("space", "a b"), ("leading dot", ".x") })
        {
            Add($"workflow: id with {name}", Post("/workflow/text2img", $$"""{"id":"{{id}}","input":{"prompt":"a"},"webhook_v2":"http://127.0.0.1:9/hook"}""", "id"));
            Add($"jobs: id with {name}", Post("/jobs", $$$"""{"id":"{{{id}}}","workflow":"text2img","input":{"prompt":"a"}}""", "id"));
        }

        Add("prompt: id with a trailing newline", Post("/prompt", """{"id":"x\n","prompt":""" + Graph + "}", "id"));
        Add("workflow: id a number", Post("/workflow/text2img", """{"id":7,"input":{"prompt":"a"}}""", "id"));

        // Workflow inputs: one strict type policy, a maximum prompt length, no unknown fields.
        foreach (var (name, input, field) in new[]
        {
            ("width as a string", """{"prompt":"a","width":"1024"}""", "input.width"),
            ("width with a plus sign", """{"prompt":"a","width":"+512"}""", "input.width"),
            ("width in hex", """{"prompt":"a","width":"0x400"}""", "input.width"),
            ("width padded", """{"prompt":"a","width":" 1024 "}""", "input.width"),
            ("width fractional", """{"prompt":"a","width":1024.5}""", "input.width"),
            ("width too small", """{"prompt":"a","width":16}""", "input.width"),
            ("width too large", """{"prompt":"a","width":99999}""", "input.width"),
            ("width huge", """{"prompt":"a","width":1e400}""", "input.width"),
            ("steps zero", """{"prompt":"a","steps":0}""", "input.steps"),
            ("steps true", """{"prompt":"a","steps":true}""", "input.steps"),
            ("cfg_scale as a string", """{"prompt":"a","cfg_scale":"1"}""", "input.cfg_scale"),
            ("seed negative", """{"prompt":"a","seed":-1}""", "input.seed"),
            ("seed fractional", """{"prompt":"a","seed":1.5}""", "input.seed"),
            ("seed above 2^64", """{"prompt":"a","seed":18446744073709551616}""", "input.seed"),
            ("sampler unknown", """{"prompt":"a","sampler_name":"nope"}""", "input.sampler_name"),
            ("prompt missing", """{"width":512}""", "input.prompt"),
            ("prompt blank", """{"prompt":"   "}""", "input.prompt"),
            ("prompt a number", """{"prompt":5}""", "input.prompt"),
            ("prompt null", """{"prompt":null}""", "input.prompt"),
            ("prompt an object", """{"prompt":{"text":"a"}}""", "input.prompt"),
            ("prompt of 20 000 characters", $$"""{"prompt":"{{new string('z', 20_000)}}"}""", "input.prompt"),
            ("unknown field", """{"prompt":"a","batch":4}""", "input.batch"),
        })
        {
            Add($"workflow: {name}", Post("/workflow/text2img", Text2Img(input), field));
        }

        Add("workflow: input an array", Post("/workflow/text2img", """{"input":["a"]}""", "input"));
        Add("workflow: input a string", Post("/workflow/text2img", """{"input":"a"}""", "input"));
        Add("workflow: input missing", Post("/workflow/text2img", """{"id":"a"}""", "input"));
        Add("workflow: img2img image not an image", Post("/workflow/img2img",
            $$$"""{"input":{"prompt":"a","image":"{{{Convert.ToBase64String("not an image at all"u8.ToArray())}}}"}}""", "input.image"));
        Add("workflow: img2img image a private URL", Post("/workflow/img2img", """{"input":{"prompt":"a","image":"http://169.254.169.254/latest/meta-data"}}""", "input.image"));

        // More image inputs than ImageInputs:MaxCount (16 by default): the 17th is refused, by name, before anything is uploaded.
        var png = Convert.ToBase64String(FluxAspire.Tests.Api.Inputs.TestImages.Png(1, 1));
        var many = string.Join(",", Enumerable.Range(1, 17).Select(n => $"\"{n}\":{{\"class_type\":\"LoadImage\",\"inputs\":{{\"image\":\"{png}\"}}}}"));
        const string save = ""","18":{"class_type":"SaveImage","inputs":{"images":["1",0],"filename_prefix":"many"}}""";
        Add("prompt: 17 image inputs", Post("/prompt", "{\"prompt\":{" + many + save + "}}", "prompt.17.inputs.image"));

        // Delivery options.
        Add("workflow: webhook a number", Post("/workflow/text2img", """{"input":{"prompt":"a"},"webhook":5}""", "webhook"));
        Add("workflow: webhook not a URL", Post("/workflow/text2img", """{"input":{"prompt":"a"},"webhook":"not a url"}""", "webhook"));
        Add("workflow: webhook to a file", Post("/workflow/text2img", """{"input":{"prompt":"a"},"webhook":"file:///etc/passwd"}""", "webhook"));
        Add("workflow: webhook_v2 to the metadata service", Post("/workflow/text2img", """{"input":{"prompt":"a"},"webhook_v2":"http://169.254.169.254/"}""", "webhook_v2"));
        Add("workflow: convert_output unknown format", Post("/workflow/text2img", """{"input":{"prompt":"a"},"convert_output":{"format":"gif"}}""", "convert_output.format"));
        Add("workflow: convert_output jpeg with webp's effort", Post("/workflow/text2img", """{"input":{"prompt":"a"},"convert_output":{"format":"jpeg","options":{"effort":4}}}""", "convert_output.options.effort"));
        Add("workflow: convert_output quality a string", Post("/workflow/text2img", """{"input":{"prompt":"a"},"convert_output":{"format":"webp","options":{"quality":"90"}}}""", "convert_output.options.quality"));
        Add("workflow: convert_output an array", Post("/workflow/text2img", """{"input":{"prompt":"a"},"convert_output":[]}""", "convert_output"));
        Add("workflow: http_upload without url_prefix", Post("/workflow/text2img", """{"input":{"prompt":"a"},"http_upload":{}}""", "http_upload.url_prefix"));
        Add("workflow: s3 upload not configured", Post("/workflow/text2img", """{"input":{"prompt":"a"},"s3":{"bucket":"b"}}""", "s3"));
        Add("workflow: credentials not a list", Post("/workflow/text2img", """{"input":{"prompt":"a"},"credentials":{"a":1}}""", "credentials"));
        Add("workflow: url_pattern with a newline", Post("/workflow/text2img", """{"input":{"prompt":"a"},"credentials":[{"url_pattern":"https://a.example/**\n","auth":{"type":"bearer","token":"t"}}]}""", "credentials[0].url_pattern"));
        Add("workflow: url_pattern with a space", Post("/workflow/text2img", """{"input":{"prompt":"a"},"credentials":[{"url_pattern":"https://a.example/ **","auth":{"type":"bearer","token":"t"}}]}""", "credentials[0].url_pattern"));
        Add("workflow: url_pattern of 3000 characters", Post("/workflow/text2img", $$$"""{"input":{"prompt":"a"},"credentials":[{"url_pattern":"https://a.example/{{{new string('a', 3000)}}}","auth":{"type":"bearer","token":"t"}}]}""", "credentials[0].url_pattern"));
        // A glob that backtracks exponentially in a backtracking regex engine, matched against the image URL: never a 500.
        var backtracks = string.Concat(Enumerable.Repeat("**a", 40)) + "b";
        Add("workflow: img2img with a backtracking url_pattern", Post("/workflow/img2img", $$$"""{"input":{"prompt":"a","image":"http://169.254.169.254/{{{new string('a', 300)}}}"},"credentials":[{"url_pattern":"{{{backtracks}}}","auth":{"type":"bearer","token":"t"}}]}""", "input.image"));
        Add("workflow: credentials with a bad url_pattern", Post("/workflow/text2img", """{"input":{"prompt":"a"},"credentials":[{"url_pattern":"","auth":{"type":"bearer","token":"t"}}]}""", "credentials[0].url_pattern"));

        // Graphs for /prompt.
        Add("prompt: graph missing", Post("/prompt", """{"id":"a"}""", "prompt"));
        Add("prompt: graph an array", Post("/prompt", """{"prompt":[]}""", "prompt"));
        Add("prompt: graph empty", Post("/prompt", """{"prompt":{}}""", "prompt"));
        Add("prompt: node without class_type", Post("/prompt", """{"prompt":{"1":{"inputs":{}}}}""", "prompt.1.class_type"));
        Add("prompt: node inputs a string", Post("/prompt", """{"prompt":{"1":{"class_type":"SaveImage","inputs":"x"}}}""", "prompt.1.inputs"));
        Add("prompt: node a number", Post("/prompt", """{"prompt":{"1":5}}""", "prompt.1"));

        // /jobs and /download specifics.
        Add("jobs: neither prompt nor workflow", Post("/jobs", """{"id":"a"}""", "prompt"));
        Add("jobs: both prompt and workflow", Post("/jobs", """{"prompt":""" + Graph + ""","workflow":"text2img","input":{"prompt":"a"}}""", "workflow"));
        Add("jobs: unknown workflow", Post("/jobs", """{"workflow":"nope","input":{"prompt":"a"}}""", "workflow"));
        Add("jobs: workflow a number", Post("/jobs", """{"workflow":5,"input":{"prompt":"a"}}""", "workflow"));
        Add("download: url missing", Post("/download", """{"model_type":"loras"}""", "url"));
        Add("download: ftp url", Post("/download", """{"url":"ftp://127.0.0.1/a.safetensors","model_type":"loras"}""", "url"));
        Add("download: model_type unknown", Post("/download", """{"url":"http://127.0.0.1:9/a.safetensors","model_type":"nope"}""", "model_type"));
        Add("download: filename escaping the folder", Post("/download", """{"url":"http://127.0.0.1:9/a.safetensors","model_type":"loras","filename":"../../x.safetensors"}""", "filename"));
        Add("download: wait a string", Post("/download", """{"url":"http://127.0.0.1:9/a.safetensors","model_type":"loras","wait":"yes"}""", "wait"));
        Add("download: auth type unknown", Post("/download", """{"url":"http://127.0.0.1:9/a.safetensors","model_type":"loras","auth":{"type":"kerberos"}}""", "auth.type"));
        Add("interrupt: id a number", Post("/interrupt", """{"id":5}""", "id"));

        // Seeded mutations of valid bodies: truncations, a byte that is not UTF-8, a value of the wrong type.
        var random = new Random(20261207);
        var valid = new (string Path, string Body)[]
        {
            ("/workflow/text2img", Good),
            ("/prompt", """{"prompt":""" + Graph + "}"),
            ("/jobs", """{"workflow":"text2img","input":{"prompt":"a lighthouse","width":256,"height":256,"steps":1}}"""),
        };
        for (var i = 0; i < 12; i++)
        {
            var (path, body) = valid[i % valid.Length];
            var cut = random.Next(1, body.Length - 1);
            Add($"mutation {i}: {path} truncated at {cut}", Post(path, body[..cut], "body"));
            var at = random.Next(1, body.Length - 1);
            Add($"mutation {i}: {path} byte 0xFF at {at}", Post(path, body[..at] + "<FF>" + body[at..], null));
        }

        foreach (var (field, wrong) in new[] { ("width", "\"wide\""), ("height", "[256]"), ("steps", "{}"), ("prompt", "[\"a\"]"), ("seed", "\"42\""), ("guidance", "\"high\""), ("denoise", "2"), ("scheduler", "7") })
        {
            var input = JsonNode.Parse("""{"prompt":"a lighthouse","width":256,"height":256,"steps":1}""")!.AsObject();
            input[field] = JsonNode.Parse(wrong);
            Add($"mutation: {field} = {wrong}", Post("/workflow/text2img", Text2Img(input.ToJsonString()), $"input.{field}"));
        }

        return cases;
    }

    [Fact]
    public void The_table_holds_at_least_a_hundred_hostile_requests() => Assert.True(Cases.Count >= 100, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_hostile_request_gets_a_4xx_problem_naming_the_field_and_the_api_keeps_serving(string name)
    {
        var c = Cases[name];
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path) { Content = new ByteArrayContent(c.Body) };
        if (c.ContentType is { } type) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        foreach (var (header, value) in c.Headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(header, value);

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{name}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)response.StatusCode, (int)problem["status"]!);
        if (response.StatusCode == HttpStatusCode.BadRequest && problem["node_errors"] is null)
        {
            var errors = Assert.IsType<JsonObject>(problem["errors"]);
            Assert.NotEmpty(errors);
            if (c.Field is { } field)
            {
                Assert.True(errors.ContainsKey(field), $"{name}: expected an error for {field}, got {text}");
            }
        }

        Assert.DoesNotContain("An unhandled exception has occurred", env.Api.Log, StringComparison.Ordinal);
        using var good = await _http.PostAsync("/workflow/text2img", new StringContent(Good, Encoding.UTF8, Json));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }
}
