namespace StressVm.Config.Hocon;

/// <summary>Entry point: HOCON text to an unresolved value tree.</summary>
public static class HoconParser
{
    /// <summary>
    /// Parses a document (an object, root braces optional, or an array). Includes are looked up through
    /// <paramref name="includes"/> (files relative to <paramref name="fileName"/> by default).
    /// The tree may still hold substitutions: resolve it with <see cref="Resolver"/>.
    /// </summary>
    /// <exception cref="ConfigException">Syntax errors, with file, line and column.</exception>
    public static HoconValue Parse(string text, string fileName, IIncludeResolver? includes = null)
    {
        var tokens = new Tokenizer(text, fileName).TokenizeAll();
        return new Parser(tokens, fileName, includes ?? FileIncludeResolver.Instance, new[] { Parser.Normalize(fileName) })
            .ParseDocument();
    }

    /// <summary>Parses a document whose root must be an object.</summary>
    public static HoconObject ParseObject(string text, string fileName, IIncludeResolver? includes = null)
    {
        var root = Parse(text, fileName, includes);
        return root as HoconObject
            ?? throw ConfigException.Syntax(root.Origin, "an array at the root", "an object (a configuration is an object)");
    }

    /// <summary>
    /// Parses one value (a value concatenation, object or array) filling the whole text, as in <c>-D path=value</c>.
    /// <paramref name="column"/> is where the text starts, for positions in messages. Empty text is the empty string.
    /// </summary>
    public static HoconValue ParseValue(string text, string fileName, IReadOnlyList<string>? path = null, int column = 1,
        IIncludeResolver? includes = null)
    {
        var tokens = new Tokenizer(text, fileName, 1, column).TokenizeAll();
        return new Parser(tokens, fileName, includes ?? FileIncludeResolver.Instance, new[] { fileName })
            .ParseSingleValue(path ?? Array.Empty<string>());
    }
}
