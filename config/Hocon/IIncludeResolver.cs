namespace StressVm.Config.Hocon;

/// <summary>How an include statement named its target.</summary>
public enum IncludeKind
{
    /// <summary><c>include "name"</c></summary>
    Plain,
    /// <summary><c>include file("name")</c></summary>
    File,
    /// <summary><c>include url("name")</c></summary>
    Url,
    /// <summary><c>include classpath("name")</c></summary>
    Classpath,
}

/// <summary>An include statement to satisfy.</summary>
/// <param name="Name">The quoted name as written.</param>
/// <param name="Kind">plain, file(...), url(...) or classpath(...).</param>
/// <param name="Required">Wrapped in required(...): a missing target is an error instead of being ignored.</param>
/// <param name="IncludingFile">The file that holds the include statement (names are relative to it).</param>
/// <param name="Origin">Where the include statement is.</param>
public sealed record IncludeRequest(string Name, IncludeKind Kind, bool Required, string IncludingFile, ConfigOrigin Origin);

/// <summary>The text of an included document. <paramref name="Name"/> identifies it for messages and cycle detection.</summary>
public sealed record IncludeSource(string Name, string Text);

/// <summary>Finds included documents. Returns no sources when the target does not exist.</summary>
public interface IIncludeResolver
{
    /// <summary>The documents to include, in merge order (empty when the target is missing).</summary>
    IReadOnlyList<IncludeSource> Resolve(IncludeRequest request);
}
