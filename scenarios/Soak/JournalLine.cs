using System.Text.Json;
using StressVm.Runtime;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// Encodes a record as one self-checking JSON line: the record's JSON with a last member
/// <c>"sum":"&lt;16 hex digits&gt;"</c>, the <see cref="StableHash"/> of the JSON without it. A torn or
/// corrupted line fails the check (the sum sits at a fixed distance from the end, so a truncated line has none).
/// </summary>
public static class JournalLine
{
    private const string SumPrefix = ",\"sum\":\"";
    private const int SuffixLength = 8 + 16 + 2; // ,"sum":" + hex + "}

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
    };

    public static string Encode(SoakRecord record)
    {
        string body = JsonSerializer.Serialize(record, Json);
        return string.Concat(body.AsSpan(0, body.Length - 1), SumPrefix, Sum(body), "\"}");
    }

    /// <summary>Decodes a line; null when it is torn, corrupted or not a record.</summary>
    public static SoakRecord? TryDecode(string line)
    {
        if (line.Length <= SuffixLength + 2 || !line.EndsWith("\"}", StringComparison.Ordinal)) return null;
        int sumAt = line.Length - SuffixLength;
        if (string.CompareOrdinal(line, sumAt, SumPrefix, 0, SumPrefix.Length) != 0) return null;
        string body = string.Concat(line.AsSpan(0, sumAt), "}");
        if (!string.Equals(Sum(body), line.Substring(sumAt + SumPrefix.Length, 16), StringComparison.Ordinal)) return null;
        try
        {
            return JsonSerializer.Deserialize<SoakRecord>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static string Sum(string body) => StableHash.Of(body).ToString("x16");
}
