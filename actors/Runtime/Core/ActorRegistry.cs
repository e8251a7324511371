namespace StressVm.Runtime;

/// <summary>
/// The actors of one system, their names and Props, by id. Actors created before the first run are roots and
/// survive resets; those created during a run are dropped by the next reset.
/// </summary>
internal sealed class ActorRegistry
{
    private readonly List<Actor> _actors = new();
    private readonly List<string> _names = new();
    private readonly List<Props> _props = new();
    private int _rootCount = -1;

    public int Count => _actors.Count;
    public Actor this[int id] => _actors[id];
    public IReadOnlyList<string> Names => _names;

    public string NameOf(int id) => id >= 0 && id < _names.Count ? _names[id] : $"#{id}";

    public int IndexOf(string name) => _names.IndexOf(name);

    public int Add(ActorSystem system, Props props, string name)
    {
        if (_names.Contains(name)) name = $"{name}#{_names.Count}";
        var actor = props.NewActor();
        int id = _actors.Count;
        Attach(system, actor, id);
        _actors.Add(actor);
        _names.Add(name);
        _props.Add(props);
        return id;
    }

    /// <summary>Drops the actors created during the last run and resets the roots (in place, or rebuilt from Props).</summary>
    public void ResetToRoots(ActorSystem system)
    {
        if (_rootCount < 0) _rootCount = _actors.Count;
        for (int i = _actors.Count - 1; i >= _rootCount; i--)
        {
            _actors[i].SystemOrNull = null;
            _actors.RemoveAt(i);
            _names.RemoveAt(i);
            _props.RemoveAt(i);
        }
        for (int i = 0; i < _actors.Count; i++)
        {
            var a = _actors[i];
            a.ResetRuntimeState();
            if (!a.TryReset())
            {
                a.SystemOrNull = null;
                var fresh = _props[i].NewActor();
                Attach(system, fresh, i);
                _actors[i] = fresh;
            }
        }
    }

    private static void Attach(ActorSystem system, Actor actor, int id)
    {
        if (actor.SystemOrNull is not null && !ReferenceEquals(actor.SystemOrNull, system))
            throw new InvalidOperationException("an actor instance belongs to one system");
        actor.SystemOrNull = system;
        actor.Id = id;
    }
}
