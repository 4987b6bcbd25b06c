using System.Globalization;
using FluxAspire.ComfySim.Execution;

namespace FluxAspire.ComfySim.Files;

/// <summary>
/// ComfyUI's folder_paths.get_save_image_path: placeholder expansion, the subfolder taken from the prefix, the
/// escape check, and the counter scan. Paths use '/' as on the POSIX ComfyUI the captures came from.
/// </summary>
public static class SaveImagePath
{
    /// <summary>Where a batch goes: the folder to write in, the file name stem, and the subfolder to report.</summary>
    public sealed record Target(string Folder, string Basename, string Subfolder);

    /// <summary>
    /// Expands placeholders (<c>%width%</c>, <c>%height%</c>, <c>%year%</c> … <c>%second%</c>, local time) and splits the
    /// prefix into subfolder and name. Throws <see cref="SimNodeException"/> ("Exception", as ComfyUI's bare Exception)
    /// when the subfolder escapes <paramref name="root"/>.
    /// </summary>
    public static Target Resolve(string filenamePrefix, string root, int width, int height, DateTime now)
    {
        if (filenamePrefix.Contains('%', StringComparison.Ordinal))
        {
            filenamePrefix = ExpandPlaceholders(filenamePrefix, width, height, now);
        }

        var normalized = NormPath(filenamePrefix);
        var slash = normalized.LastIndexOf('/');
        var subfolder = slash < 0 ? string.Empty : normalized[..slash].TrimEnd('/') is { Length: > 0 } head ? head : "/";
        var basename = normalized[(slash + 1)..];

        var rootFull = Path.GetFullPath(root).TrimEnd('/');
        var folder = Path.GetFullPath(Path.Combine(rootFull, subfolder));
        if (ComfyFolders.SafeJoin(rootFull, subfolder, string.Empty) is null)
        {
            var common = CommonPath(rootFull, folder);
            throw new SimNodeException("Exception",
                "**** ERROR: Saving image outside the output folder is not allowed." +
                "\n full_output_folder: " + folder +
                "\n         output_dir: " + rootFull +
                "\n         commonpath: " + common);
        }

        return new Target(folder, basename, subfolder);
    }

    /// <summary>The next counter for <paramref name="basename"/> in <paramref name="folder"/>: the largest number after "basename_" plus one.</summary>
    public static int NextCounter(string folder, string basename)
    {
        if (!Directory.Exists(folder))
        {
            return 1;
        }

        var highest = 0;
        var found = false;
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
        {
            var name = Path.GetFileName(entry);
            if (name.Length > basename.Length && name[basename.Length] == '_' && name.StartsWith(basename, StringComparison.Ordinal))
            {
                var digits = name[(basename.Length + 1)..].Split('_')[0];
                // Python's int() failing counts as 0, so "ComfyUI_temp_x" still counts as a match.
                var number = int.TryParse(digits, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
                    CultureInfo.InvariantCulture, out var n) ? n : 0;
                highest = found ? Math.Max(highest, number) : number;
                found = true;
            }
        }

        return found ? highest + 1 : 1;
    }

    public static string ExpandPlaceholders(string prefix, int width, int height, DateTime now) => prefix
        .Replace("%width%", width.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%height%", height.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%year%", now.Year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%month%", now.Month.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%day%", now.Day.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%hour%", now.Hour.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%minute%", now.Minute.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("%second%", now.Second.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Python's posixpath.normpath.</summary>
    public static string NormPath(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        var absolute = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part != ".." || (!absolute && parts.Count == 0) || (parts.Count > 0 && parts[^1] == ".."))
            {
                parts.Add(part);
            }
            else if (parts.Count > 0)
            {
                parts.RemoveAt(parts.Count - 1);
            }
        }

        var joined = string.Join('/', parts);
        if (absolute)
        {
            joined = "/" + joined;
        }

        return joined.Length == 0 ? "." : joined;
    }

    private static string CommonPath(string a, string b)
    {
        var left = a.Split('/');
        var right = b.Split('/');
        var n = 0;
        while (n < left.Length && n < right.Length && left[n] == right[n])
        {
            n++;
        }

        var common = string.Join('/', left.Take(n));
        return common.Length == 0 ? "/" : common;
    }
}
