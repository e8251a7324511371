using StressVm.Conform;
using StressVm.Kernel;
using StressVm.Scenarios;
using Xunit;

namespace StressVm.Tests.Conform;

/// <summary>Litmus to C: what is translated, how, and what is refused with a reason.</summary>
public class TranslationTests
{
    private static ScenarioSpec Parse(string text) => ScenarioLoader.Parse(text, "t.conf", "t");

    [Fact]
    public void EveryConformanceScenarioTranslatesAndHasACommentSayingWhatItChecks()
    {
        Assert.True(ConformCatalog.Names.Count >= 20, $"{ConformCatalog.Names.Count} conformance scenarios");
        foreach (var name in ConformCatalog.Names)
        {
            var p = CTranslator.Translate(ConformCatalog.Load(name));
            Assert.Equal(p.Spec.Cpus.Sum(c => c.Program.Count), p.Ops.Count);
            var text = File.ReadAllText(Path.Combine(RepoRoot(), "conform", "scenarios", name + ".conf"));
            Assert.StartsWith($"# {name}:", text);
            Assert.Contains("# Checks:", text);
        }
    }

    [Fact]
    public void TheCiSubsetNamesConformanceScenarios()
    {
        Assert.NotEmpty(ConformCatalog.CiSubset);
        foreach (var n in ConformCatalog.CiSubset) Assert.Contains(n, ConformCatalog.Names);
    }

    [Fact]
    public void MappingsAndOperationsBecomeFixedMmapsAndTableEntries()
    {
        var p = CTranslator.Translate(Parse("""
            files = [ { name = f0, pages = 2 }, { name = perf0, pages = 3 } ]
            vmas = [
              { name = anon, start = 0x10, pages = 2 }
              { name = buf, start = 0x20, pages = 1, shared = true, file = f0, pgoff = 1 }
              { name = perf, start = 0x60, pages = 3, prot = ro, shared = true, file = perf0, driver = perf }
            ]
            cpus = [
              { program = ["store anon+1", "madvise-dontneed anon+1:1", "write buf"] }
              { program = ["load perf+2", "munmap anon"] }
            ]
            """));
        Assert.Contains("map_fixed(BASE + 0x10UL * PAGE, 2UL * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L * PAGE", p.CSource);
        Assert.Contains("map_fixed(BASE + 0x20UL * PAGE, 1UL * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 1L * PAGE", p.CSource);
        Assert.Contains("map_fixed(BASE + 0x60UL * PAGE, 3UL * PAGE, PROT_READ, MAP_SHARED, fds[1], 0L * PAGE", p.CSource);
        Assert.Contains("fds[0] = tmpfs_file(\"f0\", 2);", p.CSource);
        Assert.Contains("fds[1] = perf_open();", p.CSource);
        Assert.Contains("{ OP_DONTNEED, BASE + 0x11UL * PAGE, 1UL * PAGE, -1, 4096, 1, 0 }, /* madvise-dontneed anon+1 */", p.CSource);
        Assert.Contains("{ OP_WRITE, BASE + 0x20UL * PAGE, 1UL * PAGE, 0, 4096, 1, 0 }, /* write buf */", p.CSource);
        // A perf load's value is the kernel's business: not compared.
        Assert.Contains("{ OP_LOAD, BASE + 0x62UL * PAGE, 1UL * PAGE, 1, 8192, 0, 0 }, /* load perf+2 */", p.CSource);
        Assert.Equal(["cpu0.0 store anon+1", "cpu0.1 madvise-dontneed anon+1", "cpu0.2 write buf", "cpu1.0 load perf+2", "cpu1.1 munmap anon"],
            p.Ops.Select(o => $"{o.Label} {o.Text}"));
        Assert.Contains("#define NCPU 2", p.CSource);
        Assert.False(p.NeedsFb);
    }

    [Theory]
    [InlineData("bugs { wrprotect-skip-flush = true }\nvmas = [ { name = a, start = 1 } ]\ncpus = [ { program = [\"store a\"] } ]", "model knob")]
    [InlineData("files = [ { name = f, pages = 1 } ]\nvmas = [ { name = a, start = 1, shared = true, file = f } ]\ncpus = [ { program = [\"store a\"] } ]\nbackground = [ { kind = writeback, file = f } ]", "kernel thread")]
    [InlineData("vmas = [ { name = a, start = 1 } ]\ncpus = [ { }, { } ]\nswarm { operations = [store] }", "swarm")]
    [InlineData("vmas = [ { name = a, start = 1, shared = true, driver = pfnmap } ]\ncpus = [ { program = [\"store a\"] } ]", "remap_pfn_range")]
    [InlineData("files = [ { name = d, pages = 2 } ]\nvmas = [ { name = a, start = 2, pages = 2, shared = true, file = d, driver = dax-pmd } ]\ncpus = [ { program = [\"store a\"] } ]", "PMD")]
    [InlineData("kernel { arch.hw-access-flag = false }\nvmas = [ { name = a, start = 1 } ]\ncpus = [ { program = [\"store a\"] } ]", "architecture")]
    [InlineData("vmas = [ { name = a, start = 1 } ]\ncpus = [ { program = [\"fsync a\"] } ]", "file mapping")]
    public void WhatTheKernelCannotBeAskedForIsRefusedWithAReason(string text, string reason)
    {
        var e = Assert.Throws<NotTranslatableException>(() => CTranslator.Translate(Parse(text)));
        Assert.Contains(reason, e.Message);
        Assert.StartsWith("t: not translatable", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void AnOperationTheCProgramLacksIsRefusedNotTranslatedAsAnother()
    {
        // mmap and exit at run time, and anything else without an OP_* code: one line naming it, never the
        // fallthrough to write(2) a default branch would give.
        var spec = Parse("vmas = [ { name = a, start = 1 } ]\ncpus = [ { program = [\"store a\", \"load a\"] } ]");
        var unknown = spec with { Cpus = [new CpuSpec("cpu0", [CpuOp.Store(1), new CpuOp((OpKind)200, 0)])] };
        var e = Assert.Throws<NotTranslatableException>(() => CTranslator.Translate(unknown));
        Assert.StartsWith("t: not translatable to a user-space program: cpu0.1: operation '200' has no translation", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        // Every operation the model has today either translates or is refused that way.
        foreach (var kind in Enum.GetValues<OpKind>())
        {
            var one = spec with
            {
                Files = [new FileSpec("f", 1)],
                Vmas = [new VmaSpec("a", 1, 1, VmFlags.Read | VmFlags.Write | VmFlags.Shared, "f", 0, "filemap")],
                Cpus = [new CpuSpec("cpu0", [new CpuOp(kind, 1)])],
            };
            try
            {
                var p = CTranslator.Translate(one);
                Assert.Contains($"/* {p.Ops[0].Text} */", p.CSource);
                Assert.StartsWith(kind.ToString().ToLowerInvariant()[..4], p.Ops[0].Text.Replace("-", ""));
            }
            catch (NotTranslatableException x)
            {
                Assert.Contains($"cpu0.0: {kind.ToString().ToLowerInvariant()}", x.Message.Replace("operation '", "", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void SeveralProcessesAreForkedByMainEachMappingItsOwnVmas()
    {
        var p = CTranslator.Translate(Parse("""
            files = [ { name = f0, pages = 1 } ]
            processes = [ { name = p0, cpus = [cpu0] }, { name = p1, cpus = [cpu1, cpu2] } ]
            vmas = [
              { name = anon0, start = 0x10, pages = 1, process = p0 }
              { name = buf0, start = 0x20, pages = 1, shared = true, file = f0, process = p0 }
              { name = anon1, start = 0x10, pages = 2, process = p1 }
              { name = buf1, start = 0x20, pages = 1, shared = true, file = f0, process = p1 }
            ]
            cpus = [
              { name = cpu0, program = ["store anon0", "store buf0"] }
              { name = cpu1, program = ["load anon1+1", "load buf1"] }
              { name = cpu2, program = ["munmap anon1"] }
            ]
            """));
        // The same address names each process's own VMA.
        Assert.Equal(["cpu0.0 store anon0", "cpu0.1 store buf0", "cpu1.0 load anon1+1", "cpu1.1 load buf1", "cpu2.0 munmap anon1"],
            p.Ops.Select(o => $"{o.Label} {o.Text}"));
        Assert.Equal(["anon0", "buf0", "anon1", "buf1", "anon1"], p.Ops.Select(o => o.Vma!.Name));
        // One file, opened by main before the forks (every process maps the same tmpfs file).
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(p.CSource, "tmpfs_file\\(\"f0\""));
        Assert.Contains("#define NPROC 2\n", p.CSource);
        Assert.Contains("#define NSTART 3 ", p.CSource);
        Assert.Contains("#define NROOT 2 ", p.CSource); // main forks both
        Assert.Contains("#define NOPS 5\n", p.CSource);
        // Each CPU: its outcomes' offset in the shared page and its process.
        Assert.Contains("{ ops0, 2, 0, 0 }, /* cpu0 of p0 */", p.CSource);
        Assert.Contains("{ ops1, 2, 2, 1 }, /* cpu1 of p1 */", p.CSource);
        Assert.Contains("{ ops2, 1, 4, 1 }, /* cpu2 of p1 */", p.CSource);
        // Each process maps its VMAs in itself, after main forked it.
        string setup = p.CSource[p.CSource.IndexOf("static void setup_process(int p)", StringComparison.Ordinal)..];
        setup = setup[..setup.IndexOf("\n}\n", StringComparison.Ordinal)];
        int c0 = setup.IndexOf("case 0:", StringComparison.Ordinal), c1 = setup.IndexOf("case 1:", StringComparison.Ordinal);
        Assert.True(c0 >= 0 && c1 > c0);
        Assert.Contains("\"mmap anon0\"", setup[c0..c1]);
        Assert.Contains("\"mmap buf0\"", setup[c0..c1]);
        Assert.Contains("map_fixed(BASE + 0x10UL * PAGE, 2UL * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L * PAGE, \"mmap anon1\")", setup[c1..]);
        Assert.Contains("\"mmap buf1\"", setup[c1..]);
        Assert.DoesNotContain("anon0", setup[c1..]);
    }

    [Fact]
    public void ForkIsAnOperationThatStartsTheForkedProcesssCpus()
    {
        var p = CTranslator.Translate(Parse("""
            processes = [ { name = parent, cpus = [cpu0, cpu1] }, { name = child, cpus = [cpu2], parent = parent } ]
            vmas = [ { name = anon, start = 0x10, pages = 2 } ]
            cpus = [
              { name = cpu0, program = ["store anon", "fork child", "load anon"] }
              { name = cpu1, program = ["store anon+1"] }
              { name = cpu2, program = ["load anon", "store anon+1"] }
            ]
            """));
        Assert.Equal(["cpu0.0 store anon", "cpu0.1 fork child", "cpu0.2 load anon", "cpu1.0 store anon+1", "cpu2.0 load anon", "cpu2.1 store anon+1"],
            p.Ops.Select(o => $"{o.Label} {o.Text}"));
        Assert.Null(p.Ops[1].Vma);
        Assert.Equal("anon", p.Ops[4].Vma!.Name); // the child names its parent's VMAs (its copies)
        Assert.Contains("{ OP_FORK, 0, 0, -1, 0, 0, 1 }, /* fork child */", p.CSource);
        Assert.Contains("{ -1 }, /* parent: forked by main */", p.CSource);
        Assert.Contains("{ 0 }, /* child: forked by 'fork child' in parent */", p.CSource);
        // Only the parent's CPUs wait at the start barrier; the child's start when its fork returned.
        Assert.Contains("#define NSTART 2 ", p.CSource);
        Assert.Contains("#define NROOT 1 ", p.CSource); // main is the parent
        Assert.Contains("#define ROOT 0\n", p.CSource);
        // The child maps nothing itself: its VMAs are fork's copies.
        string setup = p.CSource[p.CSource.IndexOf("static void setup_process(int p)", StringComparison.Ordinal)..];
        setup = setup[..setup.IndexOf("\n}\n", StringComparison.Ordinal)];
        Assert.Contains("case 0:", setup);
        Assert.DoesNotContain("case 1:", setup);
        // A fork the loader would not accept (no declared child of this process) is refused, not run.
        var spec = Parse("vmas = [ { name = a, start = 1 } ]\ncpus = [ { program = [\"store a\"] } ]");
        var bad = spec with { Cpus = [new CpuSpec("cpu0", [CpuOp.Store(1), CpuOp.Fork(0)])] };
        var e = Assert.Throws<NotTranslatableException>(() => CTranslator.Translate(bad));
        Assert.Contains("cpu0.1: fork names no child process of 'mm'", e.Message);
    }

    [Fact]
    public void ADaxFileIsMadeOnTheDaxMountAndItsLoadsAreCompared()
    {
        var p = CTranslator.Translate(Parse("""
            files = [ { name = d0, pages = 4 } ]
            vmas = [ { name = dax, start = 0x80, pages = 2, shared = true, file = d0, pgoff = 2, driver = dax } ]
            cpus = [ { program = ["write dax+0:2", "load dax+1", "fsync dax"] } ]
            """));
        Assert.True(p.NeedsDax);
        Assert.Contains("fds[0] = dax_file(\"d0\", 4);", p.CSource);
        Assert.Contains("{ OP_WRITE, BASE + 0x80UL * PAGE, 2UL * PAGE, 0, 8192, 1, 0 }, /* write dax */", p.CSource);
        Assert.Contains("{ OP_LOAD, BASE + 0x81UL * PAGE, 1UL * PAGE, 0, 12288, 1, 0 }, /* load dax+1 */", p.CSource);
        var init = QemuRunner.InitScript([p], 1, ["nd_pmem", "ext4"], dax: true);
        Assert.Contains("mount -t ext4 -o dax /dev/pmem0 /mnt/dax", init);
    }

    [Fact]
    public void TheBuiltInKnobScenariosAreNotTranslatable()
    {
        // Every built-in scenario that pins a bug knob asks for a switch the real kernel does not have.
        foreach (var name in ScenarioCatalog.Names)
        {
            var spec = ScenarioCatalog.LoadBuiltin(name);
            if (spec.Pins.Values.Any(on => on)) Assert.Throws<NotTranslatableException>(() => CTranslator.Translate(spec));
        }
    }

    internal static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "StressVm.sln"))) d = d.Parent;
        return d?.FullName ?? throw new DirectoryNotFoundException("StressVm.sln not found above the test binaries");
    }
}
