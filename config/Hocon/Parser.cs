using System.Text;

namespace StressVm.Config.Hocon;

/// <summary>
/// Builds an unresolved value tree from tokens: root braces optional, <c>:</c>/<c>=</c>/<c>+=</c>/omitted
/// separators, commas or newlines between fields and elements, value concatenation, path keys, duplicate-key
/// merging and includes. Substitutions are left for <see cref="Resolver"/>.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly string _file;
    private readonly IIncludeResolver _includes;
    private readonly IReadOnlyList<string> _includeStack;
    private int _pos;
    private int _depth;

    /// <summary>Nesting deeper than this is refused rather than risking the stack.</summary>
    internal const int MaxDepth = 400;

    public Parser(List<Token> tokens, string file, IIncludeResolver includes, IReadOnlyList<string> includeStack)
    {
        _tokens = tokens;
        _file = file;
        _includes = includes;
        _includeStack = includeStack;
    }

    private Token Peek => _tokens[_pos];

    private Token Next() => _tokens[_pos < _tokens.Count - 1 ? _pos++ : _pos];

    /// <summary>A whole document: an object (braces optional) or an array.</summary>
    public HoconValue ParseDocument()
    {
        SkipWhitespace(newlines: true);
        HoconValue root;
        if (Peek.Kind == TokenKind.Eof) return new HoconObject(new ConfigOrigin(_file, 1, 1));
        if (Peek.Kind == TokenKind.OpenBrace) root = ParseObject(Array.Empty<string>());
        else if (Peek.Kind == TokenKind.OpenBracket) root = ParseArray(Array.Empty<string>());
        else return ParseObjectBody(braced: false, Array.Empty<string>(), Peek.Origin);
        SkipWhitespace(newlines: true);
        if (Peek.Kind != TokenKind.Eof)
            throw ConfigException.Syntax(Peek.Origin, Peek.Describe(), "end of file after the root " + root.TypeName);
        return root;
    }

    /// <summary>A single value filling the whole text (used for <c>-D path=value</c>); empty text is "".</summary>
    public HoconValue ParseSingleValue(IReadOnlyList<string> path)
    {
        SkipWhitespace(newlines: true);
        if (Peek.Kind == TokenKind.Eof) return new HoconString("", Peek.Origin);
        var v = ParseValue(path) ?? throw ConfigException.Syntax(Peek.Origin, Peek.Describe(), "a value");
        SkipWhitespace(newlines: true);
        if (Peek.Kind != TokenKind.Eof)
            throw ConfigException.Syntax(Peek.Origin, Peek.Describe(), "end of the value (quote it if it is one string)");
        return v;
    }

    /// <returns>True when a newline was skipped.</returns>
    private bool SkipWhitespace(bool newlines)
    {
        var sawNewline = false;
        while (Peek.Kind == TokenKind.Whitespace || (newlines && Peek.Kind == TokenKind.Newline))
        {
            if (Peek.Kind == TokenKind.Newline) sawNewline = true;
            Next();
        }
        return sawNewline;
    }

    private HoconObject ParseObject(IReadOnlyList<string> path)
    {
        var open = Next(); // {
        Enter(open);
        try { return ParseObjectBody(braced: true, path, open.Origin); }
        finally { _depth--; }
    }

    private void Enter(Token open)
    {
        if (++_depth > MaxDepth)
            throw ConfigException.Syntax(open.Origin, $"objects and arrays nested more than {MaxDepth} deep", "a shallower document");
    }

    private HoconObject ParseObjectBody(bool braced, IReadOnlyList<string> path, ConfigOrigin openedAt)
    {
        var obj = new HoconObject(openedAt);
        var closer = braced ? "'}'" : "end of file";
        SkipWhitespace(newlines: true);
        if (Peek.Kind == TokenKind.Comma)
            throw ConfigException.Syntax(Peek.Origin, "','", $"a key or {closer} (no comma before the first field)");
        while (true)
        {
            var t = Peek;
            if (braced && t.Kind == TokenKind.CloseBrace) { Next(); return obj; }
            if (!braced && t.Kind == TokenKind.Eof) return obj;
            if (t.Kind == TokenKind.Eof)
                throw ConfigException.Syntax(t.Origin, "end of file", $"'}}' closing the object opened at {openedAt}");
            if (!braced && t.Kind == TokenKind.CloseBrace)
                throw ConfigException.Syntax(t.Origin, "'}'", "a key or end of file (this '}' has no matching '{')");

            if (t.Kind == TokenKind.Unquoted && t.Text == "include") ParseInclude(obj, path);
            else ParseField(obj, path);

            var separated = SkipWhitespace(newlines: true);
            if (Peek.Kind == TokenKind.Comma)
            {
                Next();
                separated = true;
                SkipWhitespace(newlines: true);
                if (Peek.Kind == TokenKind.Comma)
                    throw ConfigException.Syntax(Peek.Origin, "','", $"a key or {closer} (two commas in a row)");
            }
            if ((braced && Peek.Kind == TokenKind.CloseBrace) || (!braced && Peek.Kind == TokenKind.Eof)) continue;
            if (!separated)
                throw ConfigException.Syntax(Peek.Origin, Peek.Describe(), $"',' or a newline after a field, or {closer}");
        }
    }

    private void ParseField(HoconObject obj, IReadOnlyList<string> objectPath)
    {
        var keyStart = Peek;
        var pieces = new List<Token>();
        while (Peek.IsPathPiece || Peek.Kind == TokenKind.Whitespace) pieces.Add(Next());
        if (pieces.All(p => p.Kind == TokenKind.Whitespace))
        {
            var what = Peek.Kind == TokenKind.Substitution ? "a substitution in a key" : Peek.Describe();
            throw ConfigException.Syntax(Peek.Origin, what, "a key");
        }
        var key = HoconPath.FromTokens(pieces);

        // As Lightbend's parser does (nextTokenCollectingWhitespace after a key), the separator or '{' may be on a
        // later line: "a.b.c" <newline> ": { ... }", or a key, a comment, then "= value".
        if (Peek.Kind == TokenKind.Newline) SkipWhitespace(newlines: true);
        var append = false;
        var sep = Peek;
        switch (sep.Kind)
        {
            case TokenKind.Colon or TokenKind.Equals: Next(); break;
            case TokenKind.PlusEquals: Next(); append = true; break;
            case TokenKind.OpenBrace: break;
            default:
                throw ConfigException.Syntax(sep.Origin, sep.Kind == TokenKind.Substitution ? "a substitution in a key" : sep.Describe(),
                    $"':', '=', '+=' or '{{' after the key {HoconPath.Render(key)}");
        }
        SkipWhitespace(newlines: true);

        var fullPath = objectPath.Concat(key).ToArray();
        var value = ParseValue(fullPath)
            ?? throw ConfigException.Syntax(Peek.Origin, Peek.Describe(), $"a value for the key {HoconPath.Render(key)}");
        if (append)
        {
            // a += b means a = ${?a} [b]
            value = new HoconConcatenation(new HoconValue[]
            {
                new HoconSubstitution(fullPath, optional: true, sep.Origin),
                new HoconArray(new[] { value }, value.Origin),
            }, sep.Origin);
        }
        for (var i = key.Count - 1; i >= 1; i--)
        {
            var wrapper = new HoconObject(keyStart.Origin);
            wrapper.Set(key[i], value);
            value = wrapper;
        }
        obj.Set(key[0], Merger.Merge(obj.TryGetValue(key[0], out var prev) ? prev : null, value));
    }

    /// <summary>A value concatenation on one line; null when no value starts here.</summary>
    private HoconValue? ParseValue(IReadOnlyList<string> path)
    {
        var pieces = new List<HoconValue>();
        Token? pendingSpace = null;
        while (true)
        {
            var t = Peek;
            if (t.Kind == TokenKind.Whitespace)
            {
                Next();
                if (pieces.Count > 0) pendingSpace = t;
                continue;
            }
            if (!t.IsSimpleValue && t.Kind is not (TokenKind.OpenBrace or TokenKind.OpenBracket)) break;
            if (pendingSpace is not null)
            {
                pieces.Add(new HoconString(pendingSpace.Text, pendingSpace.Origin, isWhitespace: true));
                pendingSpace = null;
            }
            pieces.Add(t.Kind switch
            {
                TokenKind.OpenBrace => ParseObject(path),
                TokenKind.OpenBracket => ParseArray(path),
                _ => Simple(Next()),
            });
        }
        return pieces.Count == 0 ? null : Concatenate(pieces);
    }

    private static HoconValue Simple(Token t) => t.Kind switch
    {
        TokenKind.Quoted or TokenKind.Unquoted => new HoconString(t.Text, t.Origin),
        TokenKind.Number => new HoconNumber(t.Text, t.Origin),
        TokenKind.True => new HoconBoolean(true, t.Origin),
        TokenKind.False => new HoconBoolean(false, t.Origin),
        TokenKind.Null => new HoconNull(t.Origin),
        TokenKind.Substitution => new HoconSubstitution(t.Path!, t.Optional, t.Origin),
        _ => throw new InvalidOperationException("not a simple value: " + t.Kind),
    };

    private enum Category { Simple, Array, Object }

    private static Category CategoryOf(HoconValue v) => v switch
    {
        HoconObject => Category.Object,
        HoconArray => Category.Array,
        _ => Category.Simple,
    };

    /// <summary>Joins the pieces of a value concatenation now, or keeps them for the resolver if a substitution is among them.</summary>
    internal static HoconValue Concatenate(IReadOnlyList<HoconValue> pieces)
    {
        if (pieces.Count == 1) return pieces[0];
        var solid = pieces.Where(p => p is not HoconString { IsWhitespace: true } && p is not HoconSubstitution).ToList();
        if (solid.Count > 0)
        {
            var first = CategoryOf(solid[0]);
            foreach (var p in solid)
            {
                if (CategoryOf(p) != first)
                    throw ConfigException.Syntax(p.Origin, $"{Article(p.TypeName)} after {Article(solid[0].TypeName)} in one value",
                        "values of one kind to concatenate: strings, arrays or objects (put a newline or ',' between separate values)");
            }
        }
        if (pieces.Any(p => p is HoconSubstitution)) return new HoconConcatenation(pieces, pieces[0].Origin);

        switch (CategoryOf(solid[0]))
        {
            case Category.Object:
                HoconValue merged = solid[0];
                for (var i = 1; i < solid.Count; i++) merged = Merger.Merge(merged, solid[i]);
                return merged;
            case Category.Array:
                return new HoconArray(solid.SelectMany(a => ((HoconArray)a).Items).ToArray(), solid[0].Origin);
            default:
                var sb = new StringBuilder();
                foreach (var p in pieces) sb.Append(SimpleText(p));
                return new HoconString(sb.ToString(), pieces[0].Origin);
        }
    }

    /// <summary>A simple value as text inside a concatenation: numbers as written, null as "null".</summary>
    internal static string SimpleText(HoconValue v) => v switch
    {
        HoconString s => s.Value,
        HoconNumber n => n.Text,
        HoconBoolean b => b.Value ? "true" : "false",
        HoconNull => "null",
        _ => throw new InvalidOperationException("not a simple value: " + v.TypeName),
    };

    private static string Article(string typeName) => (typeName[0] is 'a' or 'o' ? "an " : "a ") + typeName;

    private HoconArray ParseArray(IReadOnlyList<string> path)
    {
        var open = Next(); // [
        Enter(open);
        try { return ParseArrayItems(open, path); }
        finally { _depth--; }
    }

    private HoconArray ParseArrayItems(Token open, IReadOnlyList<string> path)
    {
        var items = new List<HoconValue>();
        SkipWhitespace(newlines: true);
        if (Peek.Kind == TokenKind.Comma)
            throw ConfigException.Syntax(Peek.Origin, "','", "a value or ']' (no comma before the first element)");
        while (true)
        {
            var t = Peek;
            if (t.Kind == TokenKind.CloseBracket) { Next(); return new HoconArray(items, open.Origin); }
            if (t.Kind == TokenKind.Eof)
                throw ConfigException.Syntax(t.Origin, "end of file", $"']' closing the array opened at {open.Origin}");
            var v = ParseValue(path) ?? throw ConfigException.Syntax(t.Origin, t.Describe(), "a value or ']'");
            items.Add(v);

            var separated = SkipWhitespace(newlines: true);
            if (Peek.Kind == TokenKind.Comma)
            {
                Next();
                separated = true;
                SkipWhitespace(newlines: true);
                if (Peek.Kind == TokenKind.Comma)
                    throw ConfigException.Syntax(Peek.Origin, "','", "a value or ']' (two commas in a row)");
            }
            if (Peek.Kind == TokenKind.CloseBracket) continue;
            if (!separated)
                throw ConfigException.Syntax(Peek.Origin, Peek.Describe(), "',' or a newline after an array element, or ']'");
        }
    }

    private void ParseInclude(HoconObject obj, IReadOnlyList<string> objectPath)
    {
        var include = Next();
        SkipWhitespace(newlines: true);
        const string expected = "a quoted file name, file(\"...\"), required(\"...\") or required(file(\"...\")) after include";

        // Openers such as required( and file( arrive as unquoted text, since '(' is an ordinary character.
        var opener = new StringBuilder();
        while (Peek.Kind is TokenKind.Unquoted or TokenKind.Whitespace)
        {
            var t = Next();
            if (t.Kind != TokenKind.Unquoted) continue;
            if (!t.Text.EndsWith('(')) throw ConfigException.Syntax(t.Origin, t.Describe(), expected);
            opener.Append(t.Text);
        }
        if (Peek.Kind != TokenKind.Quoted) throw ConfigException.Syntax(Peek.Origin, Peek.Describe(), expected);
        var nameToken = Next();

        var rest = opener.ToString();
        var required = false;
        var kind = IncludeKind.Plain;
        var parens = 0;
        if (rest.StartsWith("required(", StringComparison.Ordinal)) { required = true; rest = rest["required(".Length..]; parens++; }
        foreach (var (word, k) in new[] { ("file(", IncludeKind.File), ("url(", IncludeKind.Url), ("classpath(", IncludeKind.Classpath) })
        {
            if (rest.StartsWith(word, StringComparison.Ordinal)) { kind = k; rest = rest[word.Length..]; parens++; break; }
        }
        if (rest.Length > 0) throw ConfigException.Syntax(include.Origin, $"include {opener}", expected);

        var closed = 0;
        while (closed < parens)
        {
            while (Peek.Kind == TokenKind.Whitespace) Next();
            var t = Peek;
            if (t.Kind != TokenKind.Unquoted || t.Text.Any(c => c != ')') || closed + t.Text.Length > parens)
                throw ConfigException.Syntax(t.Origin, t.Describe(), $"')' closing the include ({parens - closed} to close)");
            closed += Next().Text.Length;
        }

        var request = new IncludeRequest(nameToken.Text, kind, required, _file, include.Origin);
        IReadOnlyList<IncludeSource> sources;
        try { sources = _includes.Resolve(request); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw ConfigException.Syntax(nameToken.Origin, $"an unreadable include \"{nameToken.Text}\" ({e.Message})", "a readable file");
        }
        if (sources.Count == 0 && required)
            throw ConfigException.Syntax(nameToken.Origin, $"no file \"{nameToken.Text}\" to include",
                "an existing file (the include is required(...))");
        foreach (var source in sources)
        {
            var id = Normalize(source.Name);
            if (_includeStack.Contains(id))
                throw ConfigException.At(include.Origin,
                    $"found an include cycle {string.Join(" -> ", _includeStack.Append(id))}, expected includes without a cycle");
            var tokens = new Tokenizer(source.Text, source.Name).TokenizeAll();
            var root = new Parser(tokens, source.Name, _includes, _includeStack.Append(id).ToArray()).ParseDocument();
            if (root is not HoconObject included)
                throw ConfigException.Syntax(nameToken.Origin, $"an array at the root of included file {source.Name}", "an object");
            foreach (var (k, v) in included.Fields)
            {
                var fixedUp = IncludeFixup.Relativize(v, objectPath);
                obj.Set(k, Merger.Merge(obj.TryGetValue(k, out var prev) ? prev : null, fixedUp));
            }
        }
    }

    internal static string Normalize(string name)
    {
        try { return Path.GetFullPath(name); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { return name; }
    }
}
