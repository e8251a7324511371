using System.Runtime.CompilerServices;
using StressVm.Runtime;

namespace StressVm.Scenarios.Soak.Toys;

public sealed record StartWriter;
public sealed record WriteData(int Value, bool Acknowledge);
public sealed record DataWritten;
public sealed record Ready;
public sealed record FlushData;
public sealed record ReadData;
public sealed record DataValue(int Value);

/// <summary>
/// A second toy bug, distinct from the lost update: a writer announces "ready" to a reader before its write
/// reached the store (unless <c>ordered</c>), and the reader may read the uninitialized value
/// ("read-before-init", raised by the reader itself during the run).
/// </summary>
public sealed class PublishBeforeInitModel : ISimulationModel
{
    public const int Payload = 42;
    private readonly ActorRef _writer;

    public PublishBeforeInitModel(string name, bool ordered = false)
    {
        Name = name;
        System = new ActorSystem(1_000);
        var store = System.ActorOf(Props.Create(() => new StoreActor()), "store");
        var reader = System.ActorOf(Props.Create(() => new ReaderActor(store)), "reader");
        _writer = System.ActorOf(Props.Create(() => new WriterActor(store, reader, ordered)), "writer");
    }

    public string Name { get; }
    public ActorSystem System { get; }

    public Action<ActorSystem>? PrepareRun(ulong seed) => _ => _writer.Tell(new StartWriter());

    private sealed class StoreActor : Actor
    {
        private int _value;

        public StoreActor()
        {
            Receive<WriteData>(m =>
            {
                _value = m.Value;
                if (m.Acknowledge) Sender.Tell(new DataWritten(), Self);
            });
            Receive<ReadData>(_ => Sender.Tell(new DataValue(_value), Self));
        }

        protected override bool TryReset()
        {
            _value = 0;
            return true;
        }
    }

    private sealed class WriterActor : Actor
    {
        private readonly ActorRef _store;
        private readonly ActorRef _reader;
        private readonly bool _ordered;

        public WriterActor(ActorRef store, ActorRef reader, bool ordered)
        {
            (_store, _reader, _ordered) = (store, reader, ordered);
            ReceiveAsync<StartWriter>(StartAsync);
            Receive<FlushData>(_ => Tell(_store, new WriteData(Payload, Acknowledge: false)));
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask StartAsync(StartWriter _)
        {
            if (_ordered)
            {
                await Ask<DataWritten>(_store, new WriteData(Payload, Acknowledge: true));
                Tell(_reader, new Ready());
                return;
            }
            // The bug: "ready" goes out before the data is written (the write is flushed in a later step).
            Tell(_reader, new Ready());
            Tell(Self, new FlushData());
        }

        protected override bool TryReset() => true;
    }

    private sealed class ReaderActor : Actor
    {
        private readonly ActorRef _store;

        public ReaderActor(ActorRef store)
        {
            _store = store;
            ReceiveAsync<Ready>(OnReadyAsync);
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask OnReadyAsync(Ready _)
        {
            var v = await Ask<DataValue>(_store, new ReadData());
            if (v.Value != Payload) ReportViolation("read-before-init", $"reader saw {v.Value}, expected {Payload}");
        }

        protected override bool TryReset() => true;
    }
}
