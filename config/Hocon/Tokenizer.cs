using System.Text;
using System.Text.RegularExpressions;

namespace StressVm.Config.Hocon;

/// <summary>
/// Turns HOCON text into tokens: punctuation, newlines, whitespace runs (kept for value concatenation),
/// quoted/triple-quoted/unquoted strings, numbers, booleans, null and substitutions. Comments are dropped.
/// </summary>
internal sealed partial class Tokenizer
{
    private const string Forbidden = "$\"{}[]:=,+#`^?!@*&\\";
    private const string NumberChars = "0123456789eE+-.";

    private readonly string _text;
    private readonly string _file;
    private int _pos;
    private int _line;
    private int _column;

    public Tokenizer(string text, string file, int line = 1, int column = 1)
    {
        _text = text;
        _file = file;
        _line = line;
        _column = column;
    }

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    public List<Token> TokenizeAll()
    {
        var tokens = new List<Token>();
        if (_text.Length > 0 && _text[0] == '\uFEFF') Advance();
        while (true)
        {
            var t = Next();
            tokens.Add(t);
            if (t.Kind == TokenKind.Eof) return tokens;
        }
    }

    internal static bool IsWhitespace(char c) =>
        c != '\n' && (char.IsWhiteSpace(c) || c is '\uFEFF' or '\u001C' or '\u001D' or '\u001E' or '\u001F');

    private ConfigOrigin Here => new(_file, _line, _column);

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private bool AtEnd(int ahead = 0) => _pos + ahead >= _text.Length;

    private char Advance()
    {
        var c = _text[_pos++];
        if (c == '\n') { _line++; _column = 1; }
        else _column++;
        return c;
    }

    private bool StartsComment() => !AtEnd() && (Peek() == '#' || (Peek() == '/' && Peek(1) == '/'));

    private Token Next()
    {
        // Comments vanish; the newline that ends them stays.
        while (StartsComment())
            while (!AtEnd() && Peek() != '\n') Advance();

        var at = Here;
        if (AtEnd()) return new Token(TokenKind.Eof, "", at);
        var c = Peek();
        if (c == '\n') { Advance(); return new Token(TokenKind.Newline, "\n", at); }
        if (IsWhitespace(c))
        {
            var start = _pos;
            while (!AtEnd() && IsWhitespace(Peek())) Advance();
            return new Token(TokenKind.Whitespace, _text[start.._pos], at);
        }
        switch (c)
        {
            case '{': Advance(); return new Token(TokenKind.OpenBrace, "{", at);
            case '}': Advance(); return new Token(TokenKind.CloseBrace, "}", at);
            case '[': Advance(); return new Token(TokenKind.OpenBracket, "[", at);
            case ']': Advance(); return new Token(TokenKind.CloseBracket, "]", at);
            case ',': Advance(); return new Token(TokenKind.Comma, ",", at);
            case ':': Advance(); return new Token(TokenKind.Colon, ":", at);
            case '=': Advance(); return new Token(TokenKind.Equals, "=", at);
            case '+':
                if (Peek(1) == '=') { Advance(); Advance(); return new Token(TokenKind.PlusEquals, "+=", at); }
                throw ConfigException.Syntax(at, "'+'", "'+=' (quote a string that contains '+')");
            case '"':
                return Peek(1) == '"' && Peek(2) == '"' ? TripleQuoted(at) : Quoted(at);
            case '$':
                if (Peek(1) == '{') return Substitution(at);
                throw ConfigException.Syntax(at, "'$'", "'${' starting a substitution (quote a string that contains '$')");
        }
        if (c == '-' || char.IsAsciiDigit(c)) return NumberOrText(at);
        if (Forbidden.Contains(c))
            throw ConfigException.Syntax(at, $"reserved character '{c}'", "a value or key (quote a string that contains it)");
        return Unquoted(at);
    }

    private Token NumberOrText(ConfigOrigin at)
    {
        var start = _pos;
        Advance();
        while (!AtEnd() && NumberChars.Contains(Peek())) Advance();
        var s = _text[start.._pos];
        if (JsonNumber().IsMatch(s)) return new Token(TokenKind.Number, s, at);
        if (s.Contains('+'))
            throw ConfigException.Syntax(at, $"'{s}'", "a number (quote a string that contains '+')");
        return new Token(TokenKind.Unquoted, s, at); // e.g. 10.0.0.1 or a lone '-'
    }

    private Token Unquoted(ConfigOrigin at)
    {
        foreach (var (word, kind) in new[] { ("true", TokenKind.True), ("false", TokenKind.False), ("null", TokenKind.Null) })
        {
            if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) == 0)
            {
                for (var i = 0; i < word.Length; i++) Advance();
                return new Token(kind, word, at);
            }
        }
        var start = _pos;
        while (!AtEnd())
        {
            var c = Peek();
            if (c == '\n' || IsWhitespace(c) || Forbidden.Contains(c) || (c == '/' && Peek(1) == '/')) break;
            Advance();
        }
        return new Token(TokenKind.Unquoted, _text[start.._pos], at);
    }

    private Token Quoted(ConfigOrigin at)
    {
        Advance(); // opening quote
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd()) throw ConfigException.Syntax(Here, "end of file", "'\"' closing the string started at " + at);
            var here = Here;
            var c = Peek();
            if (c == '"') { Advance(); return new Token(TokenKind.Quoted, sb.ToString(), at); }
            if (c == '\n')
                throw ConfigException.Syntax(here, "newline in a quoted string",
                    "'\"' closing the string (write \\n, or use a \"\"\"triple-quoted\"\"\" string)");
            if (c < 0x20)
                throw ConfigException.Syntax(here, $"control character U+{(int)c:X4} in a quoted string", "an escape such as \\t or \\u0009");
            Advance();
            if (c != '\\') { sb.Append(c); continue; }
            if (AtEnd()) throw ConfigException.Syntax(Here, "end of file", "an escape character after '\\'");
            var e = Advance();
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    var code = 0;
                    for (var i = 0; i < 4; i++)
                    {
                        var h = AtEnd() ? '\0' : Peek();
                        if (!char.IsAsciiHexDigit(h))
                            throw ConfigException.Syntax(Here, h == '\0' ? "end of file" : $"'{h}'", "4 hex digits after \\u");
                        code = code * 16 + Convert.ToInt32(h.ToString(), 16);
                        Advance();
                    }
                    sb.Append((char)code);
                    break;
                default:
                    throw ConfigException.Syntax(here, $"'\\{e}'", "one of the escapes \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
            }
        }
    }

    private Token TripleQuoted(ConfigOrigin at)
    {
        Advance(); Advance(); Advance();
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd()) throw ConfigException.Syntax(Here, "end of file", "'\"\"\"' closing the triple-quoted string started at " + at);
            if (Peek() == '"')
            {
                var run = 0;
                while (!AtEnd() && Peek() == '"') { Advance(); run++; }
                if (run >= 3)
                {
                    // The last three quotes close the string; any extra quotes before them are content.
                    sb.Append('"', run - 3);
                    return new Token(TokenKind.Quoted, sb.ToString(), at);
                }
                sb.Append('"', run);
                continue;
            }
            sb.Append(Advance());
        }
    }

    private Token Substitution(ConfigOrigin at)
    {
        Advance(); Advance(); // ${
        var optional = false;
        if (Peek() == '?') { Advance(); optional = true; }
        var pieces = new List<Token>();
        while (true)
        {
            var t = Next();
            if (t.Kind == TokenKind.CloseBrace) break;
            if (t.IsPathPiece || t.Kind == TokenKind.Whitespace) { pieces.Add(t); continue; }
            throw ConfigException.Syntax(t.Origin, t.Describe(), "a path expression and '}' closing the substitution started at " + at);
        }
        if (pieces.All(p => p.Kind == TokenKind.Whitespace))
            throw ConfigException.Syntax(at, "an empty substitution", "a path inside ${ }");
        var path = HoconPath.FromTokens(pieces);
        return new Token(TokenKind.Substitution, "", at) { Path = path, Optional = optional };
    }
}
