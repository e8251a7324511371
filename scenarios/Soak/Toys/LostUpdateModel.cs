using StressVm.Runtime;

namespace StressVm.Scenarios.Soak.Toys;

/// <summary>Knobs of <see cref="LostUpdateModel"/>.</summary>
public sealed record LostUpdateOptions(int Clients = 2, int Increments = 2, bool Atomic = false, int CrashOneIn = 0);

/// <summary>
/// A toy model for the soak: clients increment a shared counter; the final value must equal the number of
/// increments ("lost-update" otherwise). Racy by default, correct with <see cref="LostUpdateOptions.Atomic"/>.
/// Its program (one operation per increment) can be shrunk: it implements <see cref="IShrinkableModel"/>.
/// </summary>
public sealed class LostUpdateModel : IShrinkableModel
{
    private readonly List<ActorRef> _clients = new();

    public LostUpdateModel(string name, LostUpdateOptions options, int maxSteps = 10_000)
    {
        Name = name;
        Options = options;
        System = new ActorSystem(maxSteps);
        Counter = System.ActorOf(Props.Create(() => new CounterActor()), "counter");
        for (int c = 0; c < options.Clients; c++)
        {
            int index = c;
            _clients.Add(System.ActorOf(Props.Create(() => new CounterClientActor(this, index)), $"client{c}"));
        }
        System.AddMonitor(new FinalCountMonitor(this));
    }

    public string Name { get; }
    public LostUpdateOptions Options { get; }
    public ActorSystem System { get; }
    public ActorRef Counter { get; }

    public IReadOnlySet<int> DroppedOperations { get; set; } = new HashSet<int>();

    public int OperationCount(ulong seed) => Options.Clients * Options.Increments;

    /// <summary>Whether client <paramref name="client"/> performs its increment number <paramref name="i"/>.</summary>
    public bool Performs(int client, int i) => !DroppedOperations.Contains(client * Options.Increments + i);

    public int ExpectedFinalValue => OperationCount(0) - DroppedOperations.Count;

    public int FinalValue => ((CounterActor)System.ActorAt(Counter.Id)).Value;

    public Action<ActorSystem>? PrepareRun(ulong seed) => _ =>
    {
        foreach (var c in _clients) c.Tell(new StartClient());
    };

    private sealed class FinalCountMonitor(LostUpdateModel model) : ISafetyMonitor
    {
        public void Reset() { }

        public Violation? AfterStep(ActorSystem system, int step, int actor) => null;

        public Violation? AtEnd(ActorSystem system) =>
            model.FinalValue == model.ExpectedFinalValue
                ? null
                : new Violation("lost-update", $"counter is {model.FinalValue}, expected {model.ExpectedFinalValue}", system.Step, "counter");
    }
}
