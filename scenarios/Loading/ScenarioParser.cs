using System.Text;

namespace StressVm.Scenarios;

/// <summary>
/// Reads the HOCON subset scenario files use: objects (braces optional at the root), arrays, quoted and
/// unquoted strings, numbers, booleans, '#' and '//' comments, '=' or ':' (or nothing before '{'),
/// dotted keys, newlines or commas between members. Every value keeps its file, line and column.
/// Stands in until StressVm.Config's HoconParser is merged (see ScenarioLoader).
/// </summary>
public sealed class ScenarioParser
{
    private readonly string _text;
    private readonly string _file;
    private int _pos, _line = 1, _col = 1;

    private ScenarioParser(string text, string file)
    {
        _text = text;
        _file = file;
    }

    public static SObject Parse(string text, string file)
    {
        var p = new ScenarioParser(text, file);
        p.SkipSpace(true);
        SObject root;
        if (p.Peek() == '{')
        {
            root = p.ParseObject();
            p.SkipSpace(true);
        }
        else root = p.ParseMembers(new SObject(file, 1, 1), closing: '\0');
        if (!p.AtEnd) throw p.Error($"found '{p.Peek()}', expected the end of the file");
        return root;
    }

    private bool AtEnd => _pos >= _text.Length;
    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private char Next()
    {
        char c = _text[_pos++];
        if (c == '\n') { _line++; _col = 1; }
        else _col++;
        return c;
    }

    private ScenarioException Error(string message) => new(message, _file, _line, _col);

    /// <summary>Skips blanks and comments; newlines too when <paramref name="newlines"/>.</summary>
    private void SkipSpace(bool newlines)
    {
        while (!AtEnd)
        {
            char c = Peek();
            if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (!AtEnd && Peek() != '\n') Next();
            }
            else if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) Next();
            else break;
        }
    }

    private SObject ParseObject()
    {
        var obj = new SObject(_file, _line, _col);
        Next(); // '{'
        ParseMembers(obj, closing: '}');
        if (Peek() != '}') throw Error(AtEnd ? "found the end of the file, expected '}'" : $"found '{Peek()}', expected '}}'");
        Next();
        return obj;
    }

    private SObject ParseMembers(SObject obj, char closing)
    {
        while (true)
        {
            SkipSpace(true);
            if (AtEnd || Peek() == closing) return obj;
            if (Peek() == ',') { Next(); continue; }
            int line = _line, col = _col;
            var path = ParseKey();
            SkipSpace(false);
            SValue value;
            if (Peek() == '{') value = ParseObject();
            else
            {
                if (Peek() != '=' && Peek() != ':') throw Error($"found {Describe()}, expected '=' or ':' after key '{string.Join('.', path)}'");
                Next();
                SkipSpace(false);
                value = ParseValue();
            }
            // a.b.c = v  ==  a { b { c = v } }
            for (int i = path.Count - 1; i > 0; i--)
            {
                var wrap = new SObject(_file, line, col);
                wrap.Set(path[i], value);
                value = wrap;
            }
            obj.Set(path[0], value);
            SkipSpace(false);
            if (!AtEnd && Peek() != '\n' && Peek() != ',' && Peek() != closing)
                throw Error($"found {Describe()}, expected a newline or ',' after the value of '{string.Join('.', path)}'");
        }
    }

    private string Describe() => AtEnd ? "the end of the file" : Peek() == '\n' ? "a newline" : $"'{Peek()}'";

    private List<string> ParseKey()
    {
        var parts = new List<string>();
        while (true)
        {
            if (Peek() == '"') parts.Add(ParseQuoted());
            else
            {
                var sb = new StringBuilder();
                while (!AtEnd && (char.IsLetterOrDigit(Peek()) || Peek() is '-' or '_')) sb.Append(Next());
                if (sb.Length == 0) throw Error($"found {Describe()}, expected a key");
                parts.Add(sb.ToString());
            }
            if (Peek() != '.') return parts;
            Next();
        }
    }

    private SValue ParseValue()
    {
        int line = _line, col = _col;
        char c = Peek();
        if (c == '{') return ParseObject();
        if (c == '[') return ParseArray();
        if (c == '"') return new SScalar(ParseQuoted(), true, _file, line, col);
        var sb = new StringBuilder();
        while (!AtEnd)
        {
            c = Peek();
            if (c is '\n' or ',' or '}' or ']' or '#' || (c == '/' && Peek(1) == '/')) break;
            sb.Append(Next());
        }
        string text = sb.ToString().Trim();
        if (text.Length == 0) throw new ScenarioException($"found {Describe()}, expected a value", _file, line, col);
        return new SScalar(text, false, _file, line, col);
    }

    private SArray ParseArray()
    {
        var arr = new SArray(_file, _line, _col);
        Next(); // '['
        while (true)
        {
            SkipSpace(true);
            if (AtEnd) throw Error("found the end of the file, expected ']'");
            if (Peek() == ']') { Next(); return arr; }
            if (Peek() == ',') { Next(); continue; }
            arr.Items.Add(ParseValue());
        }
    }

    private string ParseQuoted()
    {
        int line = _line, col = _col;
        Next(); // '"'
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd || Peek() == '\n') throw new ScenarioException("unterminated string", _file, line, col);
            char c = Next();
            if (c == '"') return sb.ToString();
            if (c == '\\')
            {
                if (AtEnd) throw Error("unterminated escape");
                char e = Next();
                sb.Append(e switch { 'n' => '\n', 't' => '\t', '"' => '"', '\\' => '\\', _ => throw Error($"unknown escape '\\{e}'") });
            }
            else sb.Append(c);
        }
    }
}
