namespace StressVm.Scenarios.Soak.Toys;

/// <summary>Messages of the toy counter models: read, write back, atomic increment, start.</summary>
public sealed record GetValue;
public sealed record CurrentValue(int Value);
public sealed record SetValue(int Value);
public sealed record Increment;
public sealed record StartClient;
