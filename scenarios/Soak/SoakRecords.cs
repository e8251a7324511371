using System.Text.Json.Serialization;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// One line of the soak journal. The journal is append-only: state is the fold of its records in order
/// (<see cref="SoakState.Apply"/>), so a resume replays it and a report merges several.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(SoakStarted), "soak")]
[JsonDerivedType(typeof(SessionStarted), "session")]
[JsonDerivedType(typeof(ChunkCompleted), "chunk")]
[JsonDerivedType(typeof(FailureFound), "failure")]
[JsonDerivedType(typeof(ScheduleMinimized), "minimized")]
[JsonDerivedType(typeof(InternalErrorFound), "internal-error")]
[JsonDerivedType(typeof(SessionEnded), "session-end")]
[JsonDerivedType(typeof(SoakSettingsRecorded), "settings")]
[JsonDerivedType(typeof(CoverageSeen), "coverage")]
public abstract record SoakRecord;

/// <summary>First record of a state directory: the seed space every later session must share.</summary>
public sealed record SoakStarted(int Version, ulong BaseSeed, int ChunkSize, int ShardIndex, int ShardCount, string Portfolio, int SignatureDepth) : SoakRecord
{
    public const int CurrentVersion = 1;
}

/// <summary>A session (one `stressvm soak` process) began.</summary>
public sealed record SessionStarted(string StartedAt, int Workers, IReadOnlyList<string> Scenarios) : SoakRecord;

/// <summary>Per-signature totals of one chunk; strategies in <see cref="Runtime.StrategySpec.Text"/> form ("pct:2:57").</summary>
public sealed record ChunkFailure(string Signature, string Invariant, long Count, ulong FirstSeed, string FirstStrategy, ulong ShortestSeed, int ShortestSteps, string ShortestStrategy);

/// <summary>
/// Every seed of a chunk ran. Written only after the last one, with the chunk's totals: counts are summed
/// from these records, so a chunk that a kill interrupted is re-run and never counted twice.
/// </summary>
public sealed record ChunkCompleted(string Scenario, long Chunk, long GlobalChunk, ulong FirstSeed, long Schedules, long Steps, long InternalErrors, IReadOnlyList<ChunkFailure> Failures) : SoakRecord;

/// <summary>
/// The first run of a signature seen by this soak; written (and flushed) the moment it is found.
/// <see cref="Recipe"/> is the run's <see cref="Scenarios.Recipe.ToText"/> (settings included); journals written
/// before it existed have none, and their failures replay with the scenario's defaults, as they were reported then.
/// </summary>
public sealed record FailureFound(string Scenario, string Signature, string Invariant, ulong Seed, string Strategy, int Steps, string Detail, string Tail,
    string? Recipe = null) : SoakRecord;

/// <summary>The minimized schedule of a signature, saved under the state directory (path relative to it).</summary>
public sealed record ScheduleMinimized(string Scenario, string Signature, string Invariant, ulong Seed, string Path, int OriginalSteps, int Steps, bool Verified) : SoakRecord;

/// <summary>A simulation threw (a model defect, not a found bug); the soak went on.</summary>
public sealed record InternalErrorFound(string Scenario, ulong Seed, string Strategy, string Error) : SoakRecord;

/// <summary>A session ended cleanly (Ctrl-C, duration or schedule limit).</summary>
public sealed record SessionEnded(string EndedAt, long Schedules, double Seconds, string Reason) : SoakRecord;

/// <summary>
/// The campaign's coverage when the state held <see cref="Schedules"/> schedules: distinct interleaving classes
/// (exact, or a HyperLogLog estimate when <see cref="Estimated"/>) and conflicting pairs seen, in both orders. Written
/// as the campaign goes (each time the schedules double, and at each session's end): `soak report`'s table of classes
/// over schedules, where saturation shows.
/// </summary>
public sealed record CoverageSeen(long Schedules, long Classes, bool Estimated, int PairsSeen, int PairsBothOrders) : SoakRecord;
