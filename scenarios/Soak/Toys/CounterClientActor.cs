using System.Runtime.CompilerServices;
using StressVm.Runtime;

namespace StressVm.Scenarios.Soak.Toys;

/// <summary>
/// Increments the counter a number of times: atomically (one Increment), or racily (Ask the value, then
/// Tell value+1: a lost update when another client's write lands in between). With a crash ratio it
/// sometimes throws, standing in for a defect in a model.
/// </summary>
public sealed class CounterClientActor : Actor
{
    private readonly LostUpdateModel _model;
    private readonly int _index;

    public CounterClientActor(LostUpdateModel model, int index)
    {
        _model = model;
        _index = index;
        ReceiveAsync<StartClient>(RunAsync);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RunAsync(StartClient _)
    {
        var counter = _model.Counter;
        var options = _model.Options;
        for (int i = 0; i < options.Increments; i++)
        {
            if (!_model.Performs(_index, i)) continue;
            if (options.CrashOneIn > 0 && Choose(options.CrashOneIn) == 0)
                throw new InvalidOperationException("toy model defect: the client tripped over itself");
            if (options.Atomic)
            {
                Tell(counter, new Increment());
                continue;
            }
            var current = await Ask<CurrentValue>(counter, new GetValue());
            Tell(counter, new SetValue(current.Value + 1));
        }
    }

    protected override bool TryReset() => true;
}
