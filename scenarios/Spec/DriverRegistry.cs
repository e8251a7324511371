using StressVm.Kernel;

namespace StressVm.Scenarios;

/// <summary>
/// vm_operations by the name a scenario gives a VMA's <c>driver</c>. Add a driver with one line here.
/// Immutable after type initialization (no mutable static state).
/// </summary>
public static class DriverRegistry
{
    private static readonly IReadOnlyDictionary<string, Func<VmOperations>> Drivers = new Dictionary<string, Func<VmOperations>>(StringComparer.Ordinal)
    {
        ["filemap"] = () => FilemapOps.Instance,
        ["pfnmap"] = () => PfnMapOps.Instance,
        // Issue 5 drivers: each call makes a fresh instance (one per driver and file in a model).
        ["fbdefio"] = () => new FbDefioOps(),
        ["perf"] = () => new PerfMmapOps(),
        ["dax"] = () => new DaxOps(pmd: false),
        ["dax-pmd"] = () => new DaxOps(pmd: true),
        ["filemap-faultaround"] = () => new FaultAroundOps(),
    };

    public static IEnumerable<string> Names => Drivers.Keys.Order(StringComparer.Ordinal);

    public static bool Exists(string name) => Drivers.ContainsKey(name);

    public static VmOperations Create(string name) =>
        Drivers.TryGetValue(name, out var f) ? f() : throw new ArgumentException($"unknown driver '{name}'; known: {string.Join(", ", Names)}");
}
