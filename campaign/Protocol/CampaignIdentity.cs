using System.Reflection;
using StressVm.Runtime;
using StressVm.Scenarios;
using StressVm.Scenarios.Soak;

namespace StressVm.Campaign.Protocol;

/// <summary>
/// What makes two nodes part of one campaign: the same StressVm version and protocol, and the same campaign id,
/// a hash of everything that decides a chunk's result (seed space, portfolio, scenarios, the user's knobs and
/// settings). Same id, same results: a chunk run by any node of the campaign counts the same.
/// </summary>
public static class CampaignIdentity
{
    /// <summary>The wire protocol (campaign.proto and its meaning); nodes of another one are refused.</summary>
    public const int ProtocolVersion = 3; // 2: chunk results carry coverage; 3: one-chunk prefetch (RequestWork.ahead, answers echo request)

    /// <summary>This build's StressVm version (Directory.Build.props).</summary>
    public static string StressVmVersion { get; } =
        typeof(CampaignIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(CampaignIdentity).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static CampaignSpec Spec(SoakOptions o, IReadOnlyList<string> scenarios, RunSettings settings)
    {
        var spec = new CampaignSpec
        {
            BaseSeed = o.BaseSeed, ChunkSize = o.ChunkSize, ShardIndex = o.Shard.Index, ShardCount = o.Shard.Count,
            Portfolio = o.Portfolio.ToString(), SignatureDepth = o.SignatureDepth, MinimizerMaxReplays = o.Minimizer.MaxReplays,
            MailboxOrder = settings.MailboxOrder.ToString(), MaxSteps = settings.MaxSteps, NoCoverage = !o.Coverage,
        };
        spec.Scenarios.AddRange(scenarios);
        foreach (var k in settings.KnobOverrides.OrderBy(k => k.Key, StringComparer.Ordinal)) spec.KnobOverrides[k.Key] = k.Value;
        foreach (var k in settings.SettingOverrides.OrderBy(k => k.Key, StringComparer.Ordinal)) spec.SettingOverrides[k.Key] = k.Value;
        spec.CampaignId = IdOf(spec);
        return spec;
    }

    /// <summary>16 hex digits over the spec's canonical text (maps in key order): the same on every machine and run.</summary>
    public static string IdOf(CampaignSpec s)
    {
        string text = string.Join("\n",
            $"version {StressVmVersion} protocol {ProtocolVersion}",
            $"seeds {s.BaseSeed} chunk {s.ChunkSize} shard {s.ShardIndex}/{s.ShardCount} portfolio {s.Portfolio} depth {s.SignatureDepth}",
            $"scenarios {string.Join(",", s.Scenarios)}",
            $"knobs {string.Join(",", s.KnobOverrides.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={k.Value}"))}",
            $"settings {string.Join(",", s.SettingOverrides.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={k.Value}"))}",
            $"mailbox {s.MailboxOrder} max-steps {s.MaxSteps}");
        return StableHash.Of(text).ToString("x16");
    }

    /// <summary>The options a worker node runs chunks with (it keeps no state directory).</summary>
    public static SoakOptions WorkerOptions(CampaignSpec s, int workers) => new()
    {
        StateDirectory = "(coordinator)",
        Scenarios = s.Scenarios.ToList(),
        Workers = workers,
        BaseSeed = s.BaseSeed,
        ChunkSize = s.ChunkSize,
        Shard = ShardSpec.Create(s.ShardIndex, s.ShardCount),
        Portfolio = StrategyPortfolio.Parse(s.Portfolio),
        SignatureDepth = s.SignatureDepth,
        Minimizer = new MinimizerOptions(s.MinimizerMaxReplays),
        Coverage = !s.NoCoverage,
    };

    /// <summary>The user's knobs and settings as the coordinator had them.</summary>
    public static RunSettings Settings(CampaignSpec s) => new()
    {
        MaxSteps = s.MaxSteps,
        MailboxOrder = Enum.Parse<MailboxOrder>(s.MailboxOrder),
        KnobOverrides = s.KnobOverrides.ToDictionary(k => k.Key, k => k.Value),
        SettingOverrides = s.SettingOverrides.ToDictionary(k => k.Key, k => k.Value),
    };

    /// <summary>Why a node saying <paramref name="hello"/> cannot join this campaign; null when it can.</summary>
    public static string? Refusal(Hello hello, string campaignId) =>
        hello.ProtocolVersion != ProtocolVersion || hello.StressvmVersion != StressVmVersion
            ? $"node {hello.Node} runs StressVm {hello.StressvmVersion} (protocol {hello.ProtocolVersion}); this coordinator runs StressVm {StressVmVersion} (protocol {ProtocolVersion}): install the same version on every node"
            : hello.CampaignId.Length > 0 && hello.CampaignId != campaignId
                ? $"node {hello.Node} worked for campaign {hello.CampaignId}; this coordinator runs campaign {campaignId} (another state directory, seed space, scenarios or settings): start the worker node again to join this one"
                : null;
}
