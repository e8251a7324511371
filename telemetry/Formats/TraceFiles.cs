namespace StressVm.Telemetry;

/// <summary>Which offline form a <c>--trace-out</c> file takes, from its name.</summary>
public enum TraceFileFormat { JaegerJson, OtlpJson }

/// <summary>Writes a run's trace to a file: OTLP JSON when the name ends in ".otlp.json", Jaeger JSON otherwise.</summary>
public static class TraceFiles
{
    public static TraceFileFormat FormatOf(string path) =>
        path.EndsWith(".otlp.json", StringComparison.OrdinalIgnoreCase) ? TraceFileFormat.OtlpJson : TraceFileFormat.JaegerJson;

    public static byte[] Serialize(RunTrace trace, TraceFileFormat format) => format switch
    {
        TraceFileFormat.OtlpJson => OtlpJsonWriter.ToBytes(trace),
        _ => JaegerJsonWriter.ToBytes(trace),
    };

    /// <summary>Writes the file (creating its folder) and returns the format used.</summary>
    public static TraceFileFormat Write(string path, RunTrace trace)
    {
        var format = FormatOf(path);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, Serialize(trace, format));
        return format;
    }
}
