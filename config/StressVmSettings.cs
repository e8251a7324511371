namespace StressVm.Config;

/// <summary>The exploration strategy (<c>stressvm.run.strategy</c>).</summary>
public enum ExplorationStrategy
{
    /// <summary><c>random</c>: uniform random walk.</summary>
    Random,
    /// <summary><c>pct</c>: probabilistic concurrency testing with <c>pct-depth</c>.</summary>
    Pct,
}

/// <summary>OTLP transport (<c>stressvm.telemetry.protocol</c>).</summary>
public enum OtlpProtocol
{
    /// <summary><c>grpc</c></summary>
    Grpc,
    /// <summary><c>http/protobuf</c></summary>
    HttpProtobuf,
}

/// <summary><c>stressvm.run</c>.</summary>
public sealed record RunSettings(int Seeds, ulong FirstSeed, ExplorationStrategy Strategy, int PctDepth, int MaxSteps);

/// <summary><c>stressvm.telemetry</c>.</summary>
public sealed record TelemetrySettings(bool Enabled, string Endpoint, OtlpProtocol Protocol, double SampleShare, double SampleShareReplay,
    TimeSpan ShutdownTimeout = default);

/// <summary><c>stressvm.soak</c>. <see cref="Workers"/> 0 means one per core.</summary>
public sealed record SoakSettings(TimeSpan Duration, string StateDirectory, int Workers, TimeSpan ProgressInterval)
{
    /// <summary>The number of workers to start: <see cref="Workers"/>, or the core count when it is 0.</summary>
    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
}

/// <summary>
/// The typed settings, read and validated once from a resolved <see cref="Config"/>. A bad value is a
/// <see cref="ConfigException"/> naming the path and where the value was set. The kernel model reads its own
/// knobs from <see cref="Root"/> (<c>Root.GetBool("stressvm.kernel.bugs.…")</c>).
/// </summary>
public sealed class StressVmSettings
{
    private StressVmSettings(Config root, RunSettings run, TelemetrySettings telemetry, SoakSettings soak)
    {
        Root = root;
        Run = run;
        Telemetry = telemetry;
        Soak = soak;
    }

    /// <summary>The whole resolved configuration.</summary>
    public Config Root { get; }

    public RunSettings Run { get; }
    public TelemetrySettings Telemetry { get; }
    public SoakSettings Soak { get; }

    /// <summary>
    /// The shortest progress interval: each line is a write that a CI log keeps, and one a second is already more
    /// than anyone reads (0s once wrote 594,486 lines in 3 s).
    /// </summary>
    public static readonly TimeSpan MinProgressInterval = TimeSpan.FromSeconds(1);

    /// <exception cref="ConfigException">A missing path, a wrong type or a value out of range.</exception>
    public static StressVmSettings From(Config config)
    {
        const string run = "stressvm.run.";
        var r = new RunSettings(
            Seeds: IntAtLeast(config, run + "seeds", 1),
            FirstSeed: (ulong)LongAtLeast(config, run + "first-seed", 0),
            Strategy: OneOf(config, run + "strategy", new Dictionary<string, ExplorationStrategy>
            {
                ["random"] = ExplorationStrategy.Random,
                ["pct"] = ExplorationStrategy.Pct,
            }),
            PctDepth: IntAtLeast(config, run + "pct-depth", 1),
            MaxSteps: IntAtLeast(config, run + "max-steps", 1));

        const string tel = "stressvm.telemetry.";
        var endpoint = config.GetString(tel + "endpoint");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw Bad(config, tel + "endpoint", "an absolute http:// or https:// URL such as \"http://localhost:4317\"");
        var t = new TelemetrySettings(
            Enabled: config.GetBool(tel + "enabled"),
            Endpoint: endpoint,
            Protocol: OneOf(config, tel + "protocol", new Dictionary<string, OtlpProtocol>
            {
                ["grpc"] = OtlpProtocol.Grpc,
                ["http/protobuf"] = OtlpProtocol.HttpProtobuf,
            }),
            SampleShare: Share(config, tel + "sample-share"),
            SampleShareReplay: Share(config, tel + "sample-share-replay"),
            ShutdownTimeout: PositiveDuration(config, tel + "shutdown-timeout", "a positive duration such as 2s"));

        const string soak = "stressvm.soak.";
        var duration = config.GetDuration(soak + "duration");
        if (duration <= TimeSpan.Zero) throw Bad(config, soak + "duration", "a positive duration such as 8h");
        var stateDirectory = config.GetString(soak + "state-directory");
        if (string.IsNullOrWhiteSpace(stateDirectory)) throw Bad(config, soak + "state-directory", "a directory name");
        var progress = config.GetDuration(soak + "progress-interval");
        if (progress < MinProgressInterval) throw Bad(config, soak + "progress-interval", "a duration of at least 1s such as 30s");
        var s = new SoakSettings(duration, stateDirectory, IntAtLeast(config, soak + "workers", 0), progress);

        return new StressVmSettings(config, r, t, s);
    }

    private static TimeSpan PositiveDuration(Config c, string path, string expected)
    {
        var d = c.GetDuration(path);
        return d > TimeSpan.Zero ? d : throw Bad(c, path, expected);
    }

    private static int IntAtLeast(Config c, string path, int min)
    {
        var v = c.GetInt(path);
        if (v < min) throw Bad(c, path, min == 0 ? "a non-negative integer" : $"an integer >= {min}");
        return v;
    }

    private static long LongAtLeast(Config c, string path, long min)
    {
        var v = c.GetLong(path);
        if (v < min) throw Bad(c, path, min == 0 ? "a non-negative integer" : $"an integer >= {min}");
        return v;
    }

    private static double Share(Config c, string path)
    {
        var v = c.GetDouble(path);
        if (!(v >= 0.0 && v <= 1.0)) throw Bad(c, path, "a share between 0.0 and 1.0");
        return v;
    }

    private static T OneOf<T>(Config c, string path, Dictionary<string, T> choices)
    {
        var v = c.GetString(path);
        if (choices.TryGetValue(v, out var t)) return t;
        throw Bad(c, path, "one of " + string.Join(", ", choices.Keys));
    }

    private static ConfigException Bad(Config c, string path, string expected)
    {
        var v = c.GetValue(path);
        return ConfigException.BadValue(path, expected, Config.Describe(v), v.Origin);
    }
}
