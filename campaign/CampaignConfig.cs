using Akka.Configuration;

namespace StressVm.Campaign;

/// <summary>The campaign's Akka configuration: akka.conf (embedded, commented) and, across machines, the cluster part.</summary>
public static class CampaignConfig
{
    public static Akka.Configuration.Config Local { get; } = ConfigurationFactory.ParseString(ReadEmbedded());

    private static string ReadEmbedded()
    {
        using var s = typeof(CampaignConfig).Assembly.GetManifestResourceStream("campaign/akka.conf")
            ?? throw new InvalidOperationException("campaign/akka.conf is not embedded");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }
}
