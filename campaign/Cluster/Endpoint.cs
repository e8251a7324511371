using System.Globalization;

namespace StressVm.Campaign.Cluster;

/// <summary>HOST:PORT of a campaign node, as given to --listen, soak join and --bind.</summary>
public readonly record struct Endpoint(string Host, int Port)
{
    public override string ToString() => $"{Host}:{Port}";

    /// <summary>"HOST:PORT" (or ":PORT", meaning 127.0.0.1), port 0-65535; an error names what was expected.</summary>
    public static Endpoint Parse(string text, string what)
    {
        int colon = text.LastIndexOf(':');
        if (colon < 0)
            throw new ArgumentException($"bad {what} '{text}': expected HOST:PORT, e.g. 127.0.0.1:4053");
        string host = text[..colon].Trim();
        if (host.Length == 0) host = "127.0.0.1";
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            throw new ArgumentException($"bad {what} '{text}': the port must be a number from 0 to 65535");
        return new Endpoint(host, port);
    }
}
