namespace StressVm.Config.Hocon;

internal enum TokenKind
{
    Eof,
    Newline,
    Whitespace,
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Comma,
    Colon,
    Equals,
    PlusEquals,
    Unquoted,
    Quoted,
    Number,
    True,
    False,
    Null,
    Substitution,
}

/// <summary>One lexical token. <see cref="Text"/> is the source text (the decoded value for quoted strings).</summary>
internal sealed class Token
{
    public Token(TokenKind kind, string text, ConfigOrigin origin)
    {
        Kind = kind;
        Text = text;
        Origin = origin;
    }

    public TokenKind Kind { get; }

    /// <summary>Unquoted/whitespace/number text as written; decoded content for quoted strings.</summary>
    public string Text { get; }

    public ConfigOrigin Origin { get; }

    /// <summary>For <see cref="TokenKind.Substitution"/>: the path.</summary>
    public IReadOnlyList<string>? Path { get; init; }

    /// <summary>For <see cref="TokenKind.Substitution"/>: <c>${?...}</c>.</summary>
    public bool Optional { get; init; }

    /// <summary>Is a simple value that can take part in a value concatenation.</summary>
    public bool IsSimpleValue => Kind is TokenKind.Unquoted or TokenKind.Quoted or TokenKind.Number
        or TokenKind.True or TokenKind.False or TokenKind.Null or TokenKind.Substitution;

    /// <summary>Is a token that can be part of a path expression (a key): simple values but substitutions.</summary>
    public bool IsPathPiece => IsSimpleValue && Kind != TokenKind.Substitution;

    /// <summary>How the token is shown in "found X" messages.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.Eof => "end of file",
        TokenKind.Newline => "newline",
        TokenKind.Whitespace => "whitespace",
        TokenKind.OpenBrace => "'{'",
        TokenKind.CloseBrace => "'}'",
        TokenKind.OpenBracket => "'['",
        TokenKind.CloseBracket => "']'",
        TokenKind.Comma => "','",
        TokenKind.Colon => "':'",
        TokenKind.Equals => "'='",
        TokenKind.PlusEquals => "'+='",
        TokenKind.Quoted => $"quoted string \"{Text}\"",
        TokenKind.Number => $"number {Text}",
        TokenKind.Substitution => $"substitution ${{{(Optional ? "?" : "")}{HoconPath.Render(Path!)}}}",
        _ => $"'{Text}'",
    };
}
