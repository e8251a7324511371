namespace StressVm.Campaign.Protocol;

/// <summary>
/// Marks the campaign's wire messages (generated from campaign.proto): akka.conf binds this interface, and only
/// it, to <see cref="CampaignSerializer"/>.
/// </summary>
public interface ICampaignMessage;

public sealed partial class Hello : ICampaignMessage;
public sealed partial class Welcome : ICampaignMessage;
public sealed partial class Refused : ICampaignMessage;
public sealed partial class RequestWork : ICampaignMessage;
public sealed partial class Work : ICampaignMessage;
public sealed partial class NoWork : ICampaignMessage;
public sealed partial class ChunkDone : ICampaignMessage;
public sealed partial class ChunkAbandoned : ICampaignMessage;
public sealed partial class FailureDiscovered : ICampaignMessage;
public sealed partial class InternalErrorSeen : ICampaignMessage;
public sealed partial class WorkerCrashed : ICampaignMessage;
public sealed partial class MinimizeFailure : ICampaignMessage;
public sealed partial class FailureMinimized : ICampaignMessage;
public sealed partial class MinimizationFailed : ICampaignMessage;
public sealed partial class StopWork : ICampaignMessage;
