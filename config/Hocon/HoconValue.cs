namespace StressVm.Config.Hocon;

/// <summary>
/// A node of a HOCON value tree. Parsing yields an unresolved tree (which may hold substitutions,
/// concatenations and merge stacks); <see cref="Resolver"/> turns it into a resolved tree of
/// objects, arrays and scalars only.
/// </summary>
public abstract class HoconValue
{
    protected HoconValue(ConfigOrigin origin) => Origin = origin;

    /// <summary>Where the value was written.</summary>
    public ConfigOrigin Origin { get; }

    /// <summary>A type name for messages ("string", "number", "object", ...).</summary>
    public abstract string TypeName { get; }

    /// <summary>True when the value holds no substitution, concatenation or merge stack anywhere inside.</summary>
    public abstract bool IsResolved { get; }
}
