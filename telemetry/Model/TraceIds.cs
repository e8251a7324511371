using System.Globalization;

namespace StressVm.Telemetry;

/// <summary>A 128-bit trace id (W3C / OTLP), high half first.</summary>
public readonly record struct TraceId(ulong High, ulong Low)
{
    /// <summary>32 lower-case hex digits, the form Jaeger's "Lookup by Trace ID" box takes.</summary>
    public string ToHex() => TraceIds.Hex(High) + TraceIds.Hex(Low);

    public override string ToString() => ToHex();

    public byte[] ToBytes()
    {
        var b = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b, High);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(8), Low);
        return b;
    }
}

/// <summary>
/// Deterministic ids: a run's trace id is a stable hash of (scenario, seed), so the same seed always opens
/// the same trace in Jaeger; span ids follow from the trace id and the span's ordinal.
/// </summary>
public static class TraceIds
{
    /// <summary>The trace id of run <paramref name="seed"/> of <paramref name="scenario"/>. Never all zero.</summary>
    public static TraceId ForRun(string scenario, ulong seed)
    {
        ulong s = StableHash.Of(scenario);
        ulong hi = StableHash.Avalanche(StableHash.Mix(s ^ 0x5354_5245_5353_564DUL, seed)); // "STRESSVM"
        ulong lo = StableHash.Avalanche(StableHash.Mix(hi ^ 0x7472_6163_6569_6421UL, seed ^ s));
        if (hi == 0 && lo == 0) lo = 1;
        return new TraceId(hi, lo);
    }

    /// <summary>
    /// The trace id of a run given by its whole recipe (scenario and content hash, settings, strategy, seed as
    /// one text): runs that differ in anything that changes the schedule never share a trace. Never all zero.
    /// </summary>
    public static TraceId ForRecipe(string recipeText)
    {
        ulong s = StableHash.Of(recipeText);
        ulong hi = StableHash.Avalanche(StableHash.Mix(s, 0x5245_4349_5045_0001UL)); // "RECIPE"
        ulong lo = StableHash.Avalanche(StableHash.Mix(hi ^ s, (ulong)recipeText.Length));
        if (hi == 0 && lo == 0) lo = 1;
        return new TraceId(hi, lo);
    }

    /// <summary>The id of the <paramref name="ordinal"/>-th span (0 = the root) of a trace. Never zero.</summary>
    public static ulong SpanId(TraceId trace, int ordinal)
    {
        ulong id = StableHash.Avalanche(StableHash.Mix(StableHash.Mix(trace.High, trace.Low), (ulong)(uint)ordinal + 1));
        return id == 0 ? 1 : id;
    }

    public static string Hex(ulong v) => v.ToString("x16", CultureInfo.InvariantCulture);

    public static byte[] Bytes(ulong v)
    {
        var b = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b, v);
        return b;
    }
}
