namespace StressVm.Scenarios;

/// <summary>
/// Output paths: checked before the work starts (so a typo costs nothing), written atomically, and when a
/// late write still fails, the result goes to a fallback file in the temp directory whose path is returned.
/// </summary>
public static class OutputFiles
{
    /// <summary>Why <paramref name="file"/> cannot be written (its directory missing and not creatable, not writable, a directory itself); null when it can.</summary>
    public static string? CheckFile(string file)
    {
        try
        {
            string full = Path.GetFullPath(file);
            if (Directory.Exists(full)) return $"{file} is a directory, expected a file name";
            string dir = Path.GetDirectoryName(full) ?? ".";
            string? bad = CheckDirectory(dir, file);
            if (bad is not null) return bad;
            if (File.Exists(full) && File.GetAttributes(full).HasFlag(FileAttributes.ReadOnly)) return $"{file} is read-only";
            return null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            return $"{file}: not a usable path ({e.Message})";
        }
    }

    /// <summary>Why files cannot be created in <paramref name="dir"/> (created if missing); null when they can.</summary>
    public static string? CheckDirectory(string dir, string? shownAs = null)
    {
        shownAs ??= dir;
        try
        {
            if (File.Exists(dir)) return $"{shownAs}: {dir} is a file, expected a directory";
            Directory.CreateDirectory(dir);
            string probe = Path.Combine(dir, $".stressvm-write-test-{Environment.ProcessId}");
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"{shownAs}: cannot write in {dir} ({e.Message})";
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> through a temporary file and a rename, flushed to disk.</summary>
    public static void WriteAtomically(string path, string text)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        string tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            fs.Write(System.Text.Encoding.UTF8.GetBytes(text));
            fs.Flush(true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="path"/>; when that fails, to a file of the same name in the
    /// temp directory. Returns where it went and, if the first write failed, why (for a one-line warning).
    /// </summary>
    public static (string Path, string? Failure) WriteWithFallback(string path, string text)
    {
        try
        {
            WriteAtomically(path, text);
            return (path, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            string fallback = Path.Combine(Path.GetTempPath(), $"stressvm-{Environment.ProcessId}-{Path.GetFileName(path)}");
            File.WriteAllText(fallback, text);
            return (fallback, $"cannot write {path} ({e.Message})");
        }
    }
}
