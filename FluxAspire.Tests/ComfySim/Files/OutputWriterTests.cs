using FluxAspire.ComfySim.Execution;
using FluxAspire.ComfySim.Files;
using FluxAspire.ComfySim.Images;

namespace FluxAspire.Tests.ComfySim.Files;

public sealed class OutputWriterTests : IDisposable
{
    private static readonly SimImage Fox = new(64, 48, 1, "a red fox", 7, 4);
    private readonly TempFolders _temp = new();
    private readonly OutputWriter _writer;

    public OutputWriterTests() => _writer = new OutputWriter(_temp.Folders, new ImageRenderer());

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void First_save_is_counter_1_with_the_trailing_underscore()
    {
        var saved = _writer.SaveImages(Fox, "ComfyUI", "output", []);
        Assert.Equal([new SavedImage("ComfyUI_00001_.png", "", "output")], saved);
        Assert.True(File.Exists(Path.Combine(_temp.Folders.OutputDirectory, "ComfyUI_00001_.png")));
    }

    [Fact]
    public void Counter_continues_across_calls_and_batches_take_consecutive_numbers()
    {
        _writer.SaveImages(Fox, "ComfyUI", "output", []);
        var batch = _writer.SaveImages(Fox with { BatchSize = 3 }, "ComfyUI", "output", []);
        Assert.Equal(["ComfyUI_00002_.png", "ComfyUI_00003_.png", "ComfyUI_00004_.png"], batch.Select(s => s.Filename));
        Assert.Equal(4, Directory.GetFiles(_temp.Folders.OutputDirectory, "ComfyUI_*").Length);
    }

    [Fact]
    public void Counter_continues_after_pre_existing_files_and_does_not_refill_gaps()
    {
        var output = _temp.Folders.OutputDirectory;
        File.WriteAllText(Path.Combine(output, "ComfyUI_00003_.png"), "");
        File.WriteAllText(Path.Combine(output, "ComfyUI_00041_.png"), "");
        File.WriteAllText(Path.Combine(output, "Other_00099_.png"), "");
        File.WriteAllText(Path.Combine(output, "ComfyUIx_00500_.png"), "");

        var saved = _writer.SaveImages(Fox, "ComfyUI", "output", []);
        Assert.Equal("ComfyUI_00042_.png", saved.Single().Filename);
        // A new writer (a restart) rescans and carries on too.
        var afterRestart = new OutputWriter(_temp.Folders, new ImageRenderer()).SaveImages(Fox, "ComfyUI", "output", []);
        Assert.Equal("ComfyUI_00043_.png", afterRestart.Single().Filename);
    }

    [Fact]
    public void Slash_in_the_prefix_makes_a_subfolder_and_placeholders_expand()
    {
        var saved = _writer.SaveImages(Fox with { Width = 1024 / 16, Height = 48, BatchSize = 2 }, "api/%year%/job_%width%x%height%_%batch_num%", "output", []);
        var year = DateTime.Now.Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            [new SavedImage("job_64x48_0_00001_.png", $"api/{year}", "output"), new SavedImage("job_64x48_1_00002_.png", $"api/{year}", "output")],
            saved);
        Assert.True(File.Exists(Path.Combine(_temp.Folders.OutputDirectory, "api", year, "job_64x48_1_00002_.png")));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/tmp/escape")]
    public void A_prefix_escaping_the_output_folder_fails_like_ComfyUI(string prefix)
    {
        var error = Assert.Throws<SimNodeException>(() => _writer.SaveImages(Fox, prefix, "output", []));
        Assert.Equal("Exception", error.ExceptionType);
        Assert.StartsWith("**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: ", error.Message);
        Assert.Contains("\n         output_dir: " + _temp.Folders.OutputDirectory + "\n         commonpath: ", error.Message);
    }

    [Fact]
    public void A_dot_dot_that_stays_inside_is_allowed()
    {
        var saved = _writer.SaveImages(Fox, "a/../b/img", "output", []);
        Assert.Equal(new SavedImage("img_00001_.png", "b", "output"), saved.Single());
    }

    [Fact]
    public void Preview_goes_to_temp_as_ComfyUI_temp_with_five_random_letters()
    {
        var saved = _writer.SaveImages(Fox, "ComfyUI", "temp", []).Single();
        Assert.Matches("^ComfyUI_temp_[a-z]{5}_00001_\\.png$", saved.Filename);
        Assert.Equal(("", "temp"), (saved.Subfolder, saved.Type));
        Assert.True(File.Exists(Path.Combine(_temp.Folders.TempDirectory, saved.Filename)));
    }

    [Fact]
    public void Saved_file_is_the_rendered_png_with_its_chunks()
    {
        KeyValuePair<string, string>[] chunks = [new("prompt", "{}"), new("workflow", "{\"a\": 1}")];
        var saved = _writer.SaveImages(Fox, "meta", "output", chunks).Single();
        var bytes = File.ReadAllBytes(Path.Combine(_temp.Folders.OutputDirectory, saved.Filename));
        Assert.Equal(new ImageRenderer().RenderPng(Fox, 0, chunks, 4), bytes);
        Assert.Empty(Directory.GetFiles(_temp.Folders.OutputDirectory, "*.partial"));
    }

    [Fact]
    public async Task Concurrent_saves_never_share_a_counter()
    {
        var tasks = Enumerable.Range(0, 16).Select(_ => Task.Run(() => _writer.SaveImages(Fox with { BatchSize = 2 }, "par", "output", [])));
        var names = (await Task.WhenAll(tasks)).SelectMany(s => s).Select(s => s.Filename).ToList();
        Assert.Equal(32, names.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 32).Select(i => $"par_{i:00000}_.png"), names.Order());
    }
}
