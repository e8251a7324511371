using StressVm.Cli.Common;
using System.CommandLine;
using System.Text.Json;
using StressVm.Conform;
using StressVm.Scenarios;

namespace StressVm.Cli.Commands;

/// <summary>
/// <c>stressvm conform &lt;scenario...&gt;</c>: runs the scenarios as static C programs on a real Linux kernel
/// under QEMU (one boot for all of them) and checks every outcome vector the kernel showed against the model's
/// allowed set. Exit 1 when the kernel showed an outcome the model forbids (a model bug), 2 for bad input or a
/// scenario that cannot be translated, 3 when the guest could not be run.
/// </summary>
public static class ConformCommand
{
    public static Command Create()
    {
        var scenarios = new Argument<string[]>("scenario")
        {
            Description = "Conformance scenarios (conform/scenarios: a name, 'ci' for the CI subset, 'all'), built-in names or .conf files",
            Arity = ArgumentArity.OneOrMore,
        };
        var runs = new Option<int>("--runs") { Description = "Runs of each program on the kernel (default 20)", DefaultValueFactory = _ => 20 }.AtLeast(1);
        var kernel = new Option<string?>("--kernel") { Description = "Boot this kernel image (an ELF vmlinux boots through PVH, else as a bzImage) instead of Debian's linux-image-amd64" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the table" };
        var modelSeeds = new Option<int>("--model-seeds") { Description = "Schedules the model explores per scenario for its allowed set (default 4000: random and PCT d=1..3)", DefaultValueFactory = _ => 4000 }.AtLeast(1);
        var translate = new Option<string?>("--emit-c") { Description = "Write each scenario's C program to this directory and stop (no guest)" };
        var cmd = new Command("conform",
            "Run litmus scenarios on a real Linux kernel and check them against the model. Each scenario becomes one static C program " +
            "(one thread per CPU, pinned to a vCPU; every operation's outcome: a load's value, a store done, SIGSEGV/SIGBUS with si_code, " +
            "a syscall's return). The runner installs qemu-system-x86, gcc, cpio, busybox-static and Debian's kernel from Debian's packages " +
            "(once), boots it once under QEMU TCG with 2 vCPUs and no network, runs each program --runs times and reads the outcomes over a " +
            "second serial port. The model explores the scenario with kernel settings matched to the guest's version (perf legacy below v6.14, " +
            "fb_defio v6.14 below v6.15); every outcome the kernel showed must be one the model allows. Outcomes the model allows and the " +
            "kernel never showed are listed. Exit 1: an outcome the model forbids (a model bug); 2: bad input or a scenario that is not " +
            "translatable (a knob, a background actor, a swarm, a device the guest lacks, an operation the C program lacks such as fork); 3: the guest could not be run.");
        cmd.Arguments.Add(scenarios);
        foreach (var o in new Option[] { runs, kernel, json, modelSeeds, translate }) cmd.Options.Add(o);
        cmd.SetAction(parse => Run(parse.GetValue(scenarios)!, parse.GetValue(runs), parse.GetValue(kernel), parse.GetValue(json),
            parse.GetValue(modelSeeds), parse.GetValue(translate)));
        return cmd;
    }

    private static int Run(string[] names, int runs, string? kernelPath, bool json, int modelSeeds, string? emitDir)
    {
        if (runs < 1 || modelSeeds < 4)
        {
            Console.Error.WriteLine("stressvm conform: --runs must be at least 1 and --model-seeds at least 4");
            return CliApp.ExitBadInput;
        }
        var programs = new List<ConformProgram>();
        try
        {
            foreach (var n in names)
                foreach (var spec in ConformCatalog.Resolve(n))
                    if (!programs.Any(p => p.Name == spec.Name)) programs.Add(CTranslator.Translate(spec));
        }
        catch (Exception e) when (e is ScenarioException or FileNotFoundException or NotTranslatableException)
        {
            Console.Error.WriteLine($"stressvm conform: {e.Message}");
            return CliApp.ExitBadInput;
        }
        if (emitDir is not null)
        {
            Directory.CreateDirectory(emitDir);
            foreach (var p in programs) File.WriteAllText(Path.Combine(emitDir, p.Name + ".c"), p.CSource);
            Console.WriteLine($"wrote {programs.Count} program(s) to {emitDir}");
            return CliApp.ExitOk;
        }

        GuestResult guest;
        try
        {
            GuestSetup.EnsureHostPackages(Console.Error);
            var k = kernelPath is null ? GuestSetup.DebianKernel(Console.Error) : GuestSetup.UserKernel(kernelPath);
            guest = QemuRunner.Run(k, programs, runs, Console.Error);
        }
        catch (GuestException e)
        {
            Console.Error.WriteLine($"stressvm conform: {e.Message}");
            return CliApp.ExitInternalError;
        }
        if (guest.KernelRelease == "?")
        {
            Console.Error.WriteLine($"stressvm conform: the guest printed nothing on its second serial port; console: {guest.ConsoleLog.Split('\n').LastOrDefault(l => l.Trim().Length > 0)}");
            return CliApp.ExitInternalError;
        }
        var settings = GuestSettings.For(guest.KernelRelease);
        var verdicts = programs.Select(p => Comparison.Compare(p, guest.Programs[p.Name], ModelOutcomes.Explore(p, settings, modelSeeds))).ToList();
        if (json) PrintJson(guest, settings, verdicts);
        else Print(guest, settings, verdicts);
        return verdicts.Any(v => v.ModelBug) ? CliApp.ExitBugFound : CliApp.ExitOk;
    }

    private static string Settings(IReadOnlyDictionary<string, string> s) => string.Join(", ", s.Select(kv => $"{kv.Key}={kv.Value}"));

    private static void Print(GuestResult g, IReadOnlyDictionary<string, string> settings, List<ScenarioVerdict> verdicts)
    {
        Console.WriteLine($"kernel      {g.KernelRelease} ({g.KernelVersion})");
        Console.WriteLine($"qemu        {g.QemuVersion}, TCG, {g.Vcpus} vCPUs, boot {g.BootKind}, {g.Seconds:0.0} s for the boot and every run");
        Console.WriteLine($"model       settings matched to the guest: {Settings(settings)}");
        Console.WriteLine();
        Console.WriteLine($"{"scenario",-34} {"runs",5} {"seen",5} {"allowed",8}  verdict");
        foreach (var v in verdicts)
            Console.WriteLine($"{v.Program.Name,-34} {v.Runs,5} {v.Seen.Count,5} {v.Model.Allowed.Count,8}  {v.Verdict}");
        foreach (var v in verdicts)
        {
            Console.WriteLine();
            Console.WriteLine($"{v.Program.Name}: {v.Verdict} ({v.Model.Schedules} model schedules{Unfinished(v.Model)})");
            string Op(int i) => $"{v.Program.Ops[i].Label} {v.Program.Ops[i].Text}";
            foreach (var s in v.Seen)
            {
                Console.WriteLine($"  kernel showed ({s.Count}x){(s.Allowed ? "" : "  -- FORBIDDEN by the model")}");
                for (int i = 0; i < s.Vector.Length; i++)
                {
                    string mark = "";
                    if (!s.Allowed && s.Nearest is { } n && !OutcomeText.Allows(n.Vector[i], s.Vector[i])) mark = $"   <- the nearest model outcome has '{n.Vector[i]}'";
                    Console.WriteLine($"    {Op(i),-32} {s.Vector[i]}{mark}");
                }
                if (!s.Allowed && s.Nearest is { } near)
                    Console.WriteLine($"    nearest model outcome: {near.Count}x, first seed {near.FirstSeed} ({near.Strategy}); {s.Distance} operation(s) differ");
            }
            foreach (var f in v.Failures.Take(3)) Console.WriteLine($"  no outcome: {f}");
            if (v.Failures.Count > 3) Console.WriteLine($"  ... {v.Failures.Count - 3} more runs without an outcome");
            if (v.NeverShown.Count > 0)
            {
                Console.WriteLine($"  allowed by the model, not shown in {v.Runs} runs (not errors): {v.NeverShown.Count}");
                foreach (var a in v.NeverShown.Take(4))
                    Console.WriteLine($"    [{string.Join("; ", a.Vector)}] ({a.Count}x in the model)");
                if (v.NeverShown.Count > 4) Console.WriteLine($"    ... {v.NeverShown.Count - 4} more");
            }
        }
    }

    private static string Unfinished(ModelOutcomeSet m) =>
        m.Unfinished.Count == 0 ? "" : "; ended early: " + string.Join(", ", m.Unfinished.Select(u => $"{u.Key} {u.Value}x"));

    private static void PrintJson(GuestResult g, IReadOnlyDictionary<string, string> settings, List<ScenarioVerdict> verdicts)
    {
        using var w = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("kernelRelease", g.KernelRelease);
        w.WriteString("kernelVersion", g.KernelVersion);
        w.WriteString("qemu", g.QemuVersion);
        w.WriteString("boot", g.BootKind);
        w.WriteNumber("vcpus", g.Vcpus);
        w.WriteNumber("seconds", Math.Round(g.Seconds, 1));
        w.WriteStartObject("modelSettings");
        foreach (var (k, v) in settings) w.WriteString(k, v);
        w.WriteEndObject();
        w.WriteStartArray("scenarios");
        foreach (var v in verdicts)
        {
            w.WriteStartObject();
            w.WriteString("scenario", v.Program.Name);
            w.WriteString("verdict", v.Verdict);
            w.WriteNumber("runs", v.Runs);
            w.WriteNumber("modelSchedules", v.Model.Schedules);
            w.WriteStartArray("operations");
            foreach (var op in v.Program.Ops) w.WriteStringValue($"{op.Label} {op.Text}");
            w.WriteEndArray();
            w.WriteStartArray("seen");
            foreach (var s in v.Seen)
            {
                w.WriteStartObject();
                w.WriteNumber("count", s.Count);
                w.WriteBoolean("allowed", s.Allowed);
                Vec(w, "outcome", s.Vector);
                if (s.Nearest is { } n) Vec(w, "nearestModelOutcome", n.Vector);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("allowedNotShown");
            foreach (var a in v.NeverShown) { w.WriteStartObject(); w.WriteNumber("modelCount", a.Count); Vec(w, "outcome", a.Vector); w.WriteEndObject(); }
            w.WriteEndArray();
            w.WriteStartArray("failures");
            foreach (var f in v.Failures) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        Console.WriteLine();
    }

    private static void Vec(Utf8JsonWriter w, string name, string[] v)
    {
        w.WriteStartArray(name);
        foreach (var s in v) w.WriteStringValue(s);
        w.WriteEndArray();
    }
}
