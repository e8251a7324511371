using System.Globalization;
using StressVm.Kernel;

namespace StressVm.Scenarios;

/// <summary>
/// Turns a scenario file into a <see cref="ScenarioSpec"/>, checking every field; problems are
/// <see cref="ScenarioException"/>s with the file, line and column of the offending value.
/// </summary>
public static class ScenarioLoader
{
    private static readonly string[] TopKeys = ["description", "expect", "expect-also", "bugs", "kernel", "files", "processes", "vmas", "cpus", "background", "swarm", "max-steps", "mailbox-order", "outcomes", "forbid", "exists"];

    public static ScenarioSpec Parse(string text, string file, string? name = null)
    {
        var root = HoconAdapter.Parse(text, file);
        return FromTree(root, name ?? Path.GetFileNameWithoutExtension(file), file) with { ContentHash = Recipe.HashContent(text) };
    }

    public static ScenarioSpec FromTree(SObject root, string name, string source)
    {
        CheckKeys(root, TopKeys, "scenario");
        string expect = Str(root, "expect", "pass");
        if (expect != "pass" && !Invariants.All.Contains(expect))
            throw root["expect"]!.Error($"expect must be 'pass' or one of {string.Join(", ", Invariants.All)}, found '{expect}'");
        // expect-also: other invariants the planted bug may fire on some schedules (tolerated by the verdict, not required).
        var expectAlso = new List<string>();
        foreach (var a in Arr(root, "expect-also"))
        {
            string inv = Scalar(a, "an invariant name in 'expect-also'").Text;
            if (!Invariants.All.Contains(inv)) throw a.Error($"expect-also lists invariants, one of {string.Join(", ", Invariants.All)}; found '{inv}'");
            if (expect == "pass") throw a.Error("expect-also needs expect to name the invariant the planted bug fires (expect = pass predicts no finding)");
            expectAlso.Add(inv);
        }

        var pins = new Dictionary<string, bool>(StringComparer.Ordinal);
        if (root["bugs"] is { } bugsV)
        {
            var bugs = Obj(bugsV, "bugs");
            foreach (var k in bugs.Keys)
            {
                if (!KernelKnobs.IsKnob(k)) throw bugs[k]!.Error(KernelKnobs.Unknown("bug knob", k, KernelKnobs.Names));
                pins[k] = Bool(bugs[k]!, k);
            }
        }

        // kernel { perf.mode = legacy, fbdefio.version = "v6.14" }: non-bug settings (driver versions, arch).
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root["kernel"] is { } kv)
        {
            LoadSettings(Obj(kv, "kernel"), "", settings);
            var pinned = KernelKnobs.Upstream;
            foreach (var (setting, value) in settings) pinned = pinned.WithSetting(setting, value);
            if (pinned.Contradiction() is { } why) throw kv.Error(why);
        }

        var files = new List<FileSpec>();
        foreach (var f in Arr(root, "files"))
        {
            var o = Obj(f, "a file");
            CheckKeys(o, ["name", "pages"], "file");
            var fs = new FileSpec(ReqStr(o, "name"), Int(o, "pages", 1));
            if (files.Any(x => x.Name == fs.Name)) throw o.Error($"file '{fs.Name}' is defined twice");
            if (fs.Pages < 1) throw o["pages"]!.Error("a file needs at least one page");
            files.Add(fs);
        }

        // processes = [ { name = p0, cpus = [cpu0, cpu1] }, ... ]: each its own mm; none declared = one process.
        var processes = new List<ProcessSpec>();
        var cpuProcess = new Dictionary<string, (int Index, SValue At)>(StringComparer.Ordinal);
        foreach (var pv in Arr(root, "processes"))
        {
            var o = Obj(pv, "a process");
            CheckKeys(o, ["name", "cpus", "parent"], "process");
            string pname = ReqStr(o, "name");
            if (processes.Any(x => x.Name == pname)) throw o.Error($"process '{pname}' is defined twice");
            int parent = -1;
            if (o["parent"] is { } parv)
            {
                string parName = Scalar(parv, "a process name").Text;
                parent = processes.FindIndex(x => x.Name == parName);
                if (parent < 0) throw parv.Error($"no process named '{parName}' before '{pname}' (a parent is declared before its child)");
            }
            foreach (var cv in Arr(o, "cpus"))
            {
                string c = Scalar(cv, "a CPU name").Text;
                if (cpuProcess.TryGetValue(c, out var was)) throw cv.Error($"CPU '{c}' already runs process '{processes[was.Index].Name}': a CPU runs one process");
                cpuProcess[c] = (processes.Count, cv);
            }
            processes.Add(new ProcessSpec(pname, parent));
        }
        if (processes.Count == 0) processes.Add(new ProcessSpec("mm"));

        var vmas = new List<VmaSpec>();
        foreach (var v in Arr(root, "vmas")) vmas.Add(LoadVma(Obj(v, "a VMA"), files, vmas, processes));
        if (vmas.Count == 0) throw root.Error("a scenario needs at least one VMA under 'vmas'");

        var cpus = new List<CpuSpec>();
        foreach (var c in Arr(root, "cpus"))
        {
            var o = Obj(c, "a CPU");
            CheckKeys(o, ["name", "program"], "cpu");
            string cname = Str(o, "name", $"cpu{cpus.Count}");
            if (cpus.Any(x => x.Name == cname)) throw o.Error($"CPU '{cname}' is defined twice");
            int proc = 0;
            if (root["processes"] is not null && !cpuProcess.TryGetValue(cname, out var pc))
                throw o.Error($"CPU '{cname}' is in no process: with 'processes' declared, list every CPU under one process's 'cpus'");
            else if (cpuProcess.TryGetValue(cname, out pc)) proc = pc.Index;
            var program = new List<CpuOp>();
            var ins = Arr(o, "program").ToList();
            for (int i = 0; i < ins.Count; i++)
            {
                var op = ParseOp(ins[i], vmas, proc, processes);
                if (op.Kind == OpKind.Exit && i != ins.Count - 1) throw ins[i].Error("exit ends a thread: it must be the last instruction of its program");
                program.Add(op);
            }
            cpus.Add(new CpuSpec(cname, program, proc));
        }
        if (cpus.Count == 0) throw root.Error("a scenario needs at least one CPU under 'cpus'");
        foreach (var (c, (_, at)) in cpuProcess)
            if (cpus.All(x => x.Name != c)) throw at.Error($"no CPU named '{c}' (declare it under 'cpus')");
        for (int p = 0; p < processes.Count; p++)
        {
            if (processes[p].Parent >= 0 && root["swarm"] is null) // a swarm draws the fork (SwarmPrograms)
            {
                int forks = cpus.Sum(c => c.Program.Count(op => op.Kind == OpKind.Fork && op.Target == p));
                if (forks != 1) throw root["processes"]!.Error($"process '{processes[p].Name}' has a parent: exactly one 'fork {processes[p].Name}' instruction creates it, found {forks}");
            }
            var threads = cpus.Where(c => c.Process == p).ToList();
            if (threads.Count == 0) throw root["processes"]!.Error($"process '{processes[p].Name}' has no CPU");
            // exit_mmap runs when the last thread exits (mm_users drops to 0): all of a process's threads exit, or none.
            int exiting = threads.Count(t => t.Program.Count > 0 && t.Program[^1].Kind == OpKind.Exit);
            if (exiting != 0 && exiting != threads.Count)
                throw root["cpus"]!.Error($"process '{processes[p].Name}': every thread must end with exit, or none (the mm is torn down when the last one exits)");
        }

        var background = new List<BackgroundSpec>();
        foreach (var b in Arr(root, "background"))
        {
            var o = Obj(b, "a background actor");
            CheckKeys(o, ["kind", "name", "file", "passes", "walk"], "background actor");
            string kind = ReqStr(o, "kind");
            if (kind != "writeback") throw o["kind"]!.Error($"unknown background kind '{kind}'; known: writeback");
            string file = ReqStr(o, "file");
            if (files.All(f => f.Name != file)) throw o["file"]!.Error($"no file named '{file}'");
            var walk = Str(o, "walk", "folio_mkclean") switch
            {
                "folio_mkclean" => WalkKind.FolioMkclean,
                "mapping_wrprotect_range" => WalkKind.MappingWrprotectRange,
                "pfn_mkclean_range" => WalkKind.PfnMkcleanRange,
                var w => throw o["walk"]!.Error($"unknown walk '{w}'; known: folio_mkclean, mapping_wrprotect_range, pfn_mkclean_range"),
            };
            background.Add(new BackgroundSpec(kind, Str(o, "name", background.Count == 0 ? "writeback" : $"writeback{background.Count}"), file, Int(o, "passes", 1), walk));
        }

        SwarmSpec? swarm = null;
        if (root["swarm"] is { } sv)
        {
            var o = Obj(sv, "swarm");
            CheckKeys(o, ["ops-per-cpu", "operations"], "swarm");
            var ops = new List<OpKind>();
            foreach (var op in Arr(o, "operations"))
            {
                string s = Scalar(op, "an operation").Text;
                ops.Add(OpKindOf(s) ?? throw op.Error($"unknown operation '{s}'; known: {string.Join(", ", OpNames)}"));
            }
            if (ops.Count == 0) throw o.Error("swarm needs at least one operation");
            bool forked = processes.Any(x => x.Parent >= 0);
            if (ops.Contains(OpKind.Fork) && !forked)
                throw o["operations"]!.Error("swarm operation fork needs a process to create: declare one with 'parent = <process>' under 'processes'");
            if (forked && !ops.Contains(OpKind.Fork))
                throw o["operations"]!.Error($"swarm: process '{processes.First(x => x.Parent >= 0).Name}' is created by fork: list fork under 'operations'");
            if (ops.Contains(OpKind.Mmap) && vmas.FirstOrDefault(x => x.IsSharedAnon) is { } shm)
                throw o["operations"]!.Error($"swarm operation mmap could draw shared anonymous VMA '{shm.Name}': mmap of shmem at run time is not modelled");
            int opsPerCpu = Int(o, "ops-per-cpu", 4);
            if (opsPerCpu < 1) throw (o["ops-per-cpu"] ?? o).Error($"ops-per-cpu must be at least 1, found {opsPerCpu}");
            for (int p = 0; p < processes.Count; p++)
            {
                int owner = ProcessSpec.RootOf(processes, p); // a forked process draws over the copies of its ancestor's VMAs
                if (vmas.All(x => x.Process != owner)) throw o.Error($"swarm: process '{processes[p].Name}' has no VMA to draw operations on");
            }
            swarm = new SwarmSpec(opsPerCpu, ops);
        }

        Runtime.MailboxOrder? order = root["mailbox-order"] is { } mo
            ? Scalar(mo, "a mailbox order").Text switch
            {
                "per-actor" => Runtime.MailboxOrder.PerActor,
                "per-sender" => Runtime.MailboxOrder.PerSender,
                var t => throw mo.Error($"mailbox-order must be per-actor or per-sender, found '{t}'"),
            }
            : null;
        var outcomes = OutcomeClauseLoader.Load(root, cpus, swarm is not null);

        return new ScenarioSpec
        {
            MailboxOrder = order,
            Outcomes = outcomes,
            Name = name,
            Source = source,
            Description = Str(root, "description", ""),
            Expect = expect,
            ExpectAlso = expectAlso,
            Pins = pins,
            Settings = settings,
            Files = files,
            Vmas = vmas,
            Cpus = cpus,
            Processes = processes,
            Background = background,
            Swarm = swarm,
            MaxSteps = Int(root, "max-steps", 0),
        };
    }

    private static void LoadSettings(SObject o, string prefix, Dictionary<string, string> into)
    {
        foreach (var key in o.Keys)
        {
            var v = o[key]!;
            string path = prefix + key;
            if (v is SObject child)
            {
                LoadSettings(child, path + ".", into);
                continue;
            }
            if (!KernelKnobs.IsSetting(path)) throw v.Error(KernelKnobs.Unknown("kernel setting", path, KernelKnobs.SettingNames));
            string text = Scalar(v, $"a value for '{path}'").Text;
            try { KernelKnobs.Upstream.WithSetting(path, text); }
            catch (ArgumentException e) { throw v.Error(e.Message); }
            into[path] = text;
        }
    }

    private static VmaSpec LoadVma(SObject o, List<FileSpec> files, List<VmaSpec> vmas, List<ProcessSpec> processes)
    {
        CheckKeys(o, ["name", "start", "pages", "prot", "shared", "file", "pgoff", "driver", "mapped", "process"], "VMA");
        int process = 0;
        if (o["process"] is { } pv)
        {
            string pn = Scalar(pv, "a process name").Text;
            process = processes.FindIndex(x => x.Name == pn);
            if (process < 0) throw pv.Error($"no process named '{pn}'; known: {string.Join(", ", processes.Select(x => x.Name))}");
            if (processes[process].Parent >= 0) throw pv.Error($"process '{pn}' is created by fork: its VMAs are copies of its parent's, declare none");
        }
        string name = ReqStr(o, "name");
        if (vmas.Any(x => x.Name == name)) throw o.Error($"VMA '{name}' is defined twice");
        int start = Int(o, "start", -1);
        if (start < 0) throw (o["start"] ?? o).Error("a VMA needs 'start' (a page number, e.g. 0x10)");
        int pages = Int(o, "pages", 1);
        if (pages < 1) throw o["pages"]!.Error("a VMA needs at least one page");
        var flags = VmFlags.Read;
        string prot = Str(o, "prot", "rw");
        if (prot == "rw") flags |= VmFlags.Write;
        else if (prot != "ro") throw o["prot"]!.Error($"prot must be 'rw' or 'ro', found '{prot}'");
        bool shared = o["shared"] is { } sh && Bool(sh, "shared");
        if (shared) flags |= VmFlags.Shared;
        string? file = o["file"] is { } fv ? Scalar(fv, "file").Text : null;
        string? driver = o["driver"] is { } dv ? Scalar(dv, "driver").Text : null;
        if (driver is not null && !DriverRegistry.Exists(driver))
            throw o["driver"]!.Error($"unknown driver '{driver}'; known: {string.Join(", ", DriverRegistry.Names)}");
        if (file is not null)
        {
            var fs = files.FirstOrDefault(f => f.Name == file) ?? throw o["file"]!.Error($"no file named '{file}' (declare it under 'files')");
            driver ??= "filemap";
            if (!shared) throw o["shared"]?.Error("private file mappings (do_cow_fault) are not modelled; use shared = true") ?? o.Error("private file mappings (do_cow_fault) are not modelled; add shared = true");
            int pgoff = Int(o, "pgoff", 0);
            if (pgoff < 0 || pgoff + pages > fs.Pages) throw (o["pgoff"] ?? o).Error($"pages {pgoff}..{pgoff + pages - 1} lie beyond file '{file}' ({fs.Pages} pages)");
        }
        else if (driver is "filemap" or "fbdefio" or "dax" or "dax-pmd" or "filemap-faultaround")
            throw o["driver"]!.Error($"driver '{driver}' needs a 'file' (its address_space: declare one under 'files')");
        // mmap(MAP_SHARED | MAP_ANONYMOUS) (no file, no driver) is shmem: the model gives it ShmemOps (KernelModel).
        if (driver == "perf") CheckPerfMmap(o, pages, Int(o, "pgoff", 0), file, vmas);
        if (driver == "pfnmap")
        {
            flags |= VmFlags.PfnMap;
            if (!shared) throw o.Error("a pfnmap VMA must be shared");
        }
        // mapped = before-run (the default: mapped before the first step) | by-mmap (an mmap instruction maps it).
        bool byMmap = Str(o, "mapped", "before-run") switch
        {
            "before-run" => false,
            "by-mmap" => true,
            var m => throw o["mapped"]!.Error($"mapped must be before-run or by-mmap, found '{m}'"),
        };
        if (byMmap && file is null && driver is null && shared)
            throw o["mapped"]!.Error("a shared anonymous VMA (shmem) cannot be mapped by-mmap: a new shmem file per mmap (shmem_zero_setup) is not modelled");
        // Only VMAs mapped before the run must not overlap: an mmap is MAP_FIXED and replaces what it overlaps.
        if (!byMmap)
            foreach (var other in vmas)
                if (!other.ByMmap && other.Process == process && start < other.Start + other.Pages && other.Start < start + pages)
                    throw o["start"]!.Error($"VMA '{name}' overlaps VMA '{other.Name}' (only a VMA with mapped = by-mmap may overlap another)");
        return new VmaSpec(name, start, pages, flags, file, Int(o, "pgoff", 0), driver, byMmap, process);
    }

    /// <summary>perf_mmap() (v7.0-rc6 kernel/events/core.c): the checks that make an mmap of the buffer -EINVAL.</summary>
    private static void CheckPerfMmap(SObject o, int pages, int pgoff, string? file, List<VmaSpec> vmas)
    {
        if (pgoff != 0)
            throw (o["pgoff"] ?? o).Error("a perf mapping at vm_pgoff != 0 maps the AUX area (perf_mmap -> perf_mmap_aux), which the model does not have; use pgoff = 0");
        foreach (var other in vmas)
            if (other.Driver == "perf" && other.File == file && other.Pages != pages)
                throw (o["pages"] ?? o).Error($"a second mapping of perf buffer '{file}' must have the size of the first ({other.Pages} pages, VMA '{other.Name}'): " +
                                              "perf_mmap fails it with -EINVAL (data_page_nr(rb) != nr_pages)");
    }

    private static readonly string[] OpNames = ["load", "store", "munmap", "madvise-dontneed", "mprotect-ro", "mprotect-rw", "msync", "fsync", "write", "mmap", "exit", "fork"];

    private static OpKind? OpKindOf(string s) => s switch
    {
        "load" => OpKind.Load,
        "store" => OpKind.Store,
        "munmap" => OpKind.Munmap,
        "madvise-dontneed" => OpKind.MadviseDontneed,
        "mprotect-ro" => OpKind.MprotectRead,
        "mprotect-rw" => OpKind.MprotectWrite,
        "msync" => OpKind.Msync,
        "fsync" => OpKind.Fsync,
        "write" => OpKind.Write,
        "mmap" => OpKind.Mmap,
        "exit" => OpKind.Exit,
        "fork" => OpKind.Fork,
        _ => null,
    };

    /// <summary>"store buf+1", "load anon", "munmap anon", "madvise-dontneed buf+0:1", "mprotect-ro buf".</summary>
    private static CpuOp ParseOp(SValue v, List<VmaSpec> vmas, int process, List<ProcessSpec> processes)
    {
        var s = Scalar(v, "an instruction");
        var parts = s.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["exit"]) return CpuOp.Exit; // exit(2) of this thread (exit_mmap when the process's last thread exits)
        if (parts is ["fork", var childName])
        {
            int child = processes.FindIndex(x => x.Name == childName);
            if (child < 0) throw v.Error($"fork names the child process: no process named '{childName}'");
            if (processes[child].Parent != process)
                throw v.Error($"process '{childName}' is not a child of '{processes[process].Name}' (give it parent = {processes[process].Name})");
            return CpuOp.Fork(child);
        }
        if (parts.Length != 2) throw v.Error($"expected '<operation> <vma>[+page][:pages]', found '{s.Text}'");
        var kind = OpKindOf(parts[0]) ?? throw v.Error($"unknown operation '{parts[0]}'; known: {string.Join(", ", OpNames)}");
        string target = parts[1];
        int len = -1, off = 0;
        int colon = target.IndexOf(':');
        if (colon >= 0)
        {
            if (!int.TryParse(target[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out len) || len < 1)
                throw v.Error($"bad page count in '{target}'");
            target = target[..colon];
        }
        int plus = target.IndexOf('+');
        if (plus >= 0)
        {
            if (!int.TryParse(target[(plus + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out off))
                throw v.Error($"bad page offset in '{target}'");
            target = target[..plus];
        }
        var vma = vmas.FirstOrDefault(x => x.Name == target) ?? throw v.Error($"no VMA named '{target}'");
        if (kind == OpKind.Exit) throw v.Error("exit takes no VMA: write \"exit\"");
        int owner = ProcessSpec.RootOf(processes, process); // a forked process's threads use the copies of its ancestor's VMAs
        if (vma.Process != owner)
            throw v.Error($"VMA '{vma.Name}' belongs to process '{processes[vma.Process].Name}', not to '{processes[process].Name}', which this CPU runs");
        if (kind == OpKind.Mmap)
        {
            // mmap(start, pages, prot, flags | MAP_FIXED, fd, pgoff) of the VMA as declared.
            if (plus >= 0 || colon >= 0) throw v.Error($"mmap maps a whole VMA as declared (its start, pages and pgoff); found '{s.Text}'");
            if (vma.IsSharedAnon) throw v.Error($"mmap of shared anonymous VMA '{vma.Name}' at run time is not modelled (a new shmem file per mmap, shmem_zero_setup)");
            return CpuOp.Mmap(vma.Start, vma.Pages, vmas.IndexOf(vma));
        }
        bool access = kind is OpKind.Load or OpKind.Store;
        if (len < 0) len = access ? 1 : vma.Pages - off;
        if (off + len > vma.Pages) throw v.Error($"'{s.Text}' reaches beyond VMA '{vma.Name}' ({vma.Pages} pages)");
        if (kind is OpKind.MprotectRead or OpKind.MprotectWrite && (off != 0 || len != vma.Pages))
            throw v.Error($"{parts[0]} covers whole VMAs only (VMA splitting is modelled for munmap only)");
        if (access && len != 1) throw v.Error("a load or store touches one page");
        return new CpuOp(kind, vma.Start + off, len);
    }

    // --- typed access with positions ---

    private static void CheckKeys(SObject o, string[] allowed, string what)
    {
        foreach (var k in o.Keys)
            if (!allowed.Contains(k)) throw o[k]!.Error($"unknown key '{k}' in {what}; expected one of: {string.Join(", ", allowed)}");
    }

    private static SObject Obj(SValue v, string what) => v as SObject ?? throw v.Error($"expected {what} (an object), found {v.TypeName}");

    private static IEnumerable<SValue> Arr(SObject o, string key)
    {
        var v = o[key];
        if (v is null) return [];
        return (v as SArray ?? throw v.Error($"'{key}' must be an array, found {v.TypeName}")).Items;
    }

    private static SScalar Scalar(SValue v, string what) => v as SScalar ?? throw v.Error($"expected {what}, found {v.TypeName}");

    private static string Str(SObject o, string key, string fallback) => o[key] is { } v ? Scalar(v, $"a string for '{key}'").Text : fallback;

    private static string ReqStr(SObject o, string key) => o[key] is { } v ? Scalar(v, $"a string for '{key}'").Text : throw o.Error($"missing '{key}'");

    private static int Int(SObject o, string key, int fallback)
    {
        if (o[key] is not { } v) return fallback;
        var s = Scalar(v, $"an integer for '{key}'").Text;
        bool ok = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? int.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int r)
            : int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out r);
        return ok ? r : throw v.Error($"'{key}' must be an integer, found '{s}'");
    }

    private static bool Bool(SValue v, string key)
    {
        var s = Scalar(v, $"a boolean for '{key}'").Text;
        return s switch { "true" or "on" or "yes" => true, "false" or "off" or "no" => false, _ => throw v.Error($"'{key}' must be true or false, found '{s}'") };
    }
}
