using System.Globalization;
using System.Reflection;
using StressVm.Kernel;
using StressVm.Runtime;
using StressVm.Scenarios;

namespace StressVm.Tests.Verify;

/// <summary>
/// A hash of the kernel model's state at the end of a run: every frame, PTE, VMA, TLB entry, page-cache slot,
/// lock, CPU outcome, counter, and each device's counters and end verdict. Objects contribute every scalar field
/// (found by reflection, so none is left out by hand); references are followed only through the live parts of
/// the state (pooled arrays hold stale objects of earlier runs). Two runs of one trace class end with one digest.
/// </summary>
internal static class KernelStateDigest
{
    public static ulong Of(KernelModel model) => StableHash.Of(Text(model));

    /// <summary>The state as text, one line per object (what a mismatch is reported with).</summary>
    public static string Text(KernelModel model)
    {
        var k = model.K;
        var sb = new System.Text.StringBuilder();
        void Mix(ulong x) => sb.Append(x.ToString(CultureInfo.InvariantCulture)).Append(' ');
        void Line(string what) => sb.Append('\n').Append(what).Append(": ");
        void Scalars(object o)
        {
            for (var t = o.GetType(); t is not null && t != typeof(Actor) && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
                foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    object? v = f.GetValue(o);
                    switch (v)
                    {
                        case string s: Mix(StableHash.Of(s)); break;
                        case bool b: Mix(b ? 3UL : 2UL); break;
                        case Enum e: Mix((ulong)Convert.ToInt64(e, CultureInfo.InvariantCulture)); break;
                        case int or long or short or byte or uint or ushort or sbyte or char:
                            Mix((ulong)Convert.ToInt64(v, CultureInfo.InvariantCulture)); break;
                        case ulong u: Mix(u); break;
                        case ActorRef r: Mix((ulong)(r.Id + 7)); break;
                    }
                }
        }
        void Lock(LockState l)
        {
            Mix(StableHash.Of(l.Name));
            Mix((ulong)(l.Writer + 2));
            Mix((ulong)l.Readers);
            Mix((ulong)l.WaiterCount);
            foreach (int a in l.Holders) Mix((ulong)a);
        }
        Line("kernel");
        Scalars(k); // StoreSeq, Clock, PteGeneration, the counters
        foreach (var f in k.Frames)
        {
            Line("frame");
            Scalars(f);
            Mix(f.Mapping is null ? 0 : StableHash.Of(f.Mapping.Name));
            Lock(f.PageLock);
        }
        foreach (var mm in k.Mms)
        {
            Line("mm");
            Scalars(mm);
            Lock(mm.MmapLock);
            foreach (var t in mm.Tables)
            {
                Line("table");
                Lock(t.Ptl);
                for (int i = 0; i < t.Ptes.Length; i++)
                    if (t.Ptes[i].Present || t.Ptes[i].Pfn != 0 || t.Ptes[i].Id != 0) { Mix((ulong)i); Scalars(t.Ptes[i]); }
            }
            foreach (var v in mm.AllVmas) { Line("vma"); Scalars(v); Mix(mm.Vmas.Contains(v) ? 1UL : 0UL); }
            foreach (var cpu in mm.Cpus)
            {
                Line("cpu");
                Scalars(cpu);
                for (int i = 0; i < cpu.Tlb.Count; i++) Scalars(cpu.Tlb[i]);
                foreach (var o in cpu.Outcomes) Mix(StableHash.Of(o.ToString()));
            }
        }
        foreach (var file in k.Files)
        {
            Line("file");
            foreach (var p in file.Pages) Mix(p is null ? 0 : (ulong)p.Pfn + 1);
            foreach (var v in file.IMmap) Mix(StableHash.Of(v.Name));
            Lock(file.IMmapRwsem);
        }
        foreach (var d in k.Devices)
        {
            Line("device " + d.Name);
            var counters = new SortedDictionary<string, long>(StringComparer.Ordinal);
            d.AddCounters(counters);
            foreach (var (key, v) in counters) { Mix(StableHash.Of(key)); Mix((ulong)v); }
            Mix(StableHash.Of(d.AtEnd(k)?.ToString() ?? "-"));
        }
        for (int a = 0; a < model.System.ActorCount; a++) { Line("actor " + model.System.NameOf(a)); Scalars(model.System.ActorAt(a)); }
        // model.System.ActorAt(a)); // writeback passes, device workers
        return sb.ToString();
    }
}
