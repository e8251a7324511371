using System.Text;

namespace StressVm.Config.Hocon;

/// <summary>
/// Path expressions (<c>a.b."c.d"</c>): built from key or substitution tokens, parsed from API strings,
/// and rendered back. A path is a list of key segments.
/// </summary>
public static class HoconPath
{
    /// <summary>Parses a path expression such as <c>stressvm.run.seeds</c> or <c>a."b.c"</c>.</summary>
    public static IReadOnlyList<string> Parse(string path, string? fileName = null)
    {
        var file = fileName ?? "path";
        var tokens = new Tokenizer(path, file).TokenizeAll();
        var pieces = new List<Token>();
        foreach (var t in tokens)
        {
            if (t.Kind == TokenKind.Eof) break;
            if (t.IsPathPiece || t.Kind == TokenKind.Whitespace) { pieces.Add(t); continue; }
            throw ConfigException.Syntax(t.Origin, t.Describe(), "a path expression such as a.b.\"c\"");
        }
        if (pieces.Count == 0 || pieces.All(p => p.Kind == TokenKind.Whitespace))
            throw ConfigException.Syntax(new ConfigOrigin(file, 1, 1), "an empty path", "a path expression such as a.b");
        return FromTokens(pieces);
    }

    /// <summary>Builds a path from path-expression tokens; '.' outside quoted strings separates elements.</summary>
    internal static IReadOnlyList<string> FromTokens(IReadOnlyList<Token> tokens)
    {
        int start = 0, end = tokens.Count;
        while (start < end && tokens[start].Kind == TokenKind.Whitespace) start++;
        while (end > start && tokens[end - 1].Kind == TokenKind.Whitespace) end--;

        var segments = new List<string>();
        var current = new StringBuilder();
        var started = false; // a quoted "" counts as content
        for (var i = start; i < end; i++)
        {
            var t = tokens[i];
            if (t.Kind is TokenKind.Quoted or TokenKind.Whitespace)
            {
                current.Append(t.Text);
                started = true;
                continue;
            }
            var parts = t.Text.Split('.');
            for (var p = 0; p < parts.Length; p++)
            {
                if (p > 0)
                {
                    if (!started && current.Length == 0)
                        throw ConfigException.Syntax(t.Origin, $"an empty path element in '{t.Text}'",
                            "a path without empty elements (write \"\" for an empty key)");
                    segments.Add(current.ToString());
                    current.Clear();
                    started = false;
                }
                if (parts[p].Length > 0) { current.Append(parts[p]); started = true; }
            }
        }
        if (!started && current.Length == 0)
        {
            var at = end > start ? tokens[end - 1].Origin : tokens.Count > 0 ? tokens[0].Origin : ConfigOrigin.Unknown;
            throw ConfigException.Syntax(at, "an empty path element at the end of the path",
                "a path without empty elements (write \"\" for an empty key)");
        }
        segments.Add(current.ToString());
        return segments;
    }

    /// <summary>Renders a path, quoting the elements that need it.</summary>
    public static string Render(IEnumerable<string> path) => string.Join('.', path.Select(RenderKey));

    /// <summary>Renders one key, quoted (JSON style) unless it is a plain word.</summary>
    public static string RenderKey(string key)
    {
        if (key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') &&
            !char.IsAsciiDigit(key[0]) && key[0] != '-' && key is not ("true" or "false" or "null" or "include"))
            return key;
        return Quote(key);
    }

    /// <summary>A JSON string literal.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20) sb.Append($"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
        return sb.ToString();
    }
}
