using FluxAspire.ComfySim.Images;

namespace FluxAspire.ComfySim.Files;

/// <summary>SaveImage / PreviewImage: ComfyUI's file naming, counters, subfolders and placeholders.</summary>
/// <remarks>
/// Thread-safe. A folder is scanned once per (folder, name stem); later counters come from memory, so fast or concurrent
/// runs neither rescan nor collide. Files that others add to the folder afterwards are not noticed.
/// </remarks>
public sealed class OutputWriter(ComfyFolders folders, ImageRenderer renderer)
{
    /// <summary>PreviewImage's random letters; ComfyUI's own alphabet (no 'w', 'p' twice).</summary>
    private const string TempLetters = "abcdefghijklmnopqrstupvxyz";

    /// <summary>
    /// Prefixes with %second% etc. make new stems forever; past this many, forget them all and rescan on demand.
    /// (A batch still being written at that instant could be rescanned too early; rare enough to accept.)
    /// </summary>
    private const int MaxRememberedCounters = 50_000;

    private readonly ComfyFolders _folders = folders;
    private readonly ImageRenderer _renderer = renderer;
    private readonly Lock _countersLock = new();
    private readonly Dictionary<(string Folder, string Basename), int> _nextCounters = [];

    /// <summary>
    /// Writes every image of the batch. <paramref name="type"/> is "output" (SaveImage, compress level 4) or
    /// "temp" (PreviewImage: prefix becomes <c>&lt;prefix&gt;_temp_&lt;5 random letters&gt;</c>, e.g. ComfyUI_temp_egitv,
    /// compress level 1). Pass no <paramref name="textChunks"/> under --disable-metadata.
    /// Throws <see cref="Execution.SimNodeException"/> when the prefix escapes the folder.
    /// </summary>
    public IReadOnlyList<SavedImage> SaveImages(SimImage images, string filenamePrefix, string type,
        IReadOnlyList<KeyValuePair<string, string>> textChunks)
    {
        ArgumentNullException.ThrowIfNull(images);
        var (root, compressLevel, prefix) = type switch
        {
            "output" => (_folders.OutputDirectory, 4, filenamePrefix),
            "temp" => (_folders.TempDirectory, 1, filenamePrefix + "_temp_" + RandomLetters(5)),
            _ => throw new ArgumentException($"type must be output or temp, not '{type}'", nameof(type)),
        };

        var target = SaveImagePath.Resolve(prefix, root, images.Width, images.Height, DateTime.Now);
        Directory.CreateDirectory(target.Folder);
        var batch = Math.Max(images.BatchSize, 1);
        var counter = ReserveCounters(target, batch);

        var saved = new List<SavedImage>(batch);
        for (var index = 0; index < batch; index++, counter++)
        {
            var name = $"{target.Basename.Replace("%batch_num%", index.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)}_{counter:00000}_.png";
            WriteAtomically(Path.Combine(target.Folder, name), _renderer.RenderPng(images, index, textChunks, compressLevel));
            saved.Add(new SavedImage(name, target.Subfolder, type));
        }

        return saved;
    }

    private int ReserveCounters(SaveImagePath.Target target, int count)
    {
        var key = (target.Folder, target.Basename);
        lock (_countersLock)
        {
            if (!_nextCounters.TryGetValue(key, out var next))
            {
                if (_nextCounters.Count >= MaxRememberedCounters)
                {
                    _nextCounters.Clear();
                }

                next = SaveImagePath.NextCounter(target.Folder, target.Basename);
            }

            _nextCounters[key] = next + count;
            return next;
        }
    }

    /// <summary>Readers polling the folder (or GET /view) never see a half-written PNG.</summary>
    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static string RandomLetters(int count) =>
        string.Create(count, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = TempLetters[Random.Shared.Next(TempLetters.Length)];
            }
        });
}

/// <summary>One entry of a node's UI output: <c>{"filename","subfolder","type"}</c>.</summary>
public sealed record SavedImage(string Filename, string Subfolder, string Type);
