namespace StressVm.Config.Hocon;

/// <summary>
/// Includes plain files. A relative name is taken relative to the directory of the including file.
/// A name without an extension loads <c>name.json</c> then <c>name.conf</c> (merged in that order) when
/// <c>name</c> itself does not exist. <c>url(...)</c> and <c>classpath(...)</c> are not supported.
/// </summary>
public sealed class FileIncludeResolver : IIncludeResolver
{
    public static readonly FileIncludeResolver Instance = new();

    public IReadOnlyList<IncludeSource> Resolve(IncludeRequest request)
    {
        if (request.Kind is IncludeKind.Url or IncludeKind.Classpath)
            throw ConfigException.Syntax(request.Origin, $"include {request.Kind.ToString().ToLowerInvariant()}(\"{request.Name}\")",
                "include \"file\", include file(\"file\") or include required(...): only files can be included");

        var path = Locate(request.Name, request.IncludingFile);
        if (File.Exists(path)) return new[] { Read(path) };
        if (Path.HasExtension(request.Name)) return Array.Empty<IncludeSource>();
        return new[] { ".json", ".conf" }.Select(ext => path + ext).Where(File.Exists).Select(Read).ToArray();
    }

    private static string Locate(string name, string includingFile)
    {
        if (Path.IsPathRooted(name)) return name;
        string? dir = null;
        try { dir = Path.GetDirectoryName(Path.GetFullPath(includingFile)); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { }
        return Path.GetFullPath(Path.Combine(dir ?? Directory.GetCurrentDirectory(), name));
    }

    private static IncludeSource Read(string path) => new(path, File.ReadAllText(path));
}
