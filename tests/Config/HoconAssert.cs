using StressVm.Config;
using Xunit;

namespace StressVm.Tests.ConfigTests;

using Config = StressVm.Config.Config;

/// <summary>Helpers for the specification tests: a document's resolved tree as compact JSON, or its error position.</summary>
internal static class HoconAssert
{
    public const string FileName = "t.conf";

    /// <summary>The resolved document as compact JSON (no environment fallback unless given).</summary>
    public static string Json(string hocon, Func<string, string?>? env = null) =>
        Config.Parse(hocon, FileName, env).ToJson(indented: false);

    public static void Same(string expectedJson, string hocon, Func<string, string?>? env = null) =>
        Assert.Equal(expectedJson, Json(hocon, env));

    public static ConfigException Fails(string hocon, Func<string, string?>? env = null) =>
        Assert.Throws<ConfigException>(() => Config.Parse(hocon, FileName, env));

    /// <summary>The document is rejected with a "FILE:LINE:COLUMN: found ..., expected ..." message at that position.</summary>
    public static ConfigException FailsAt(string hocon, int line, int column)
    {
        var e = Fails(hocon);
        Assert.Equal(FileName, e.File);
        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.StartsWith($"{FileName}:{line}:{column}: found ", e.Message);
        Assert.Contains(", expected ", e.Message);
        return e;
    }
}
