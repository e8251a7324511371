using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace StressVm.Conform;

/// <summary>What one program showed on the kernel: an outcome vector per run, and the runs that did not give one.</summary>
public sealed record KernelRuns(string Program, IReadOnlyList<string[]> Vectors, IReadOnlyList<string> Failures);

/// <summary>One boot: the guest's kernel and QEMU versions, every program's runs, and the boot's cost.</summary>
public sealed record GuestResult(string KernelRelease, string KernelVersion, string QemuVersion, string BootKind, int Vcpus,
    IReadOnlyDictionary<string, KernelRuns> Programs, double Seconds, string ConsoleLog);

/// <summary>
/// Boots the guest once for many programs: compiles each program statically (gcc -static), builds an
/// initramfs (static busybox, /init, the programs, the virtio-gpu modules when a program opens /dev/fb0),
/// runs QEMU under plain TCG with 2 vCPUs (multi-threaded TCG: they really run in parallel), no network and
/// no display, and reads the programs' outcomes from the second serial port (ttyS1), so that the kernel's
/// messages (console on ttyS0) never mix with them. QEMU is bounded by a timeout and killed in every case.
/// </summary>
public static class QemuRunner
{
    /// <summary>The modules virtio-gpu's fbdev emulation needs on Debian's 6.1 kernel, in load order.</summary>
    private static readonly string[] FbModules =
    [
        "virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci",
        "drm", "drm_kms_helper", "drm_shmem_helper", "virtio_dma_buf", "virtio-gpu",
    ];

    /// <summary>
    /// The modules a DAX filesystem needs on Debian's 6.1 kernel, in load order: the memmap= legacy pmem
    /// region (nd_e820) as /dev/pmem0 (nd_pmem), and ext4, which mounts busybox mke2fs's ext2 image with -o dax.
    /// </summary>
    private static readonly string[] DaxModules =
        ["libnvdimm", "nd_btt", "nd_pmem", "nd_e820", "crc16", "mbcache", "jbd2", "crc32c_generic", "ext4"];

    /// <summary>memmap=SIZE!START: 64 MiB of the guest's RAM at 512 MiB become a legacy pmem region (E820 type 12).</summary>
    public const string PmemParam = "memmap=64M!512M";

    public const int Vcpus = 2;

    public static string QemuVersion()
    {
        var r = HostTools.Run("qemu-system-x86_64", ["--version"], TimeSpan.FromSeconds(20));
        return r.Stdout.Split('\n')[0].Trim();
    }

    public static GuestResult Run(GuestKernel kernel, IReadOnlyList<ConformProgram> programs, int runs, TextWriter log, TimeSpan? timeout = null)
    {
        string work = Path.Combine(Path.GetTempPath(), $"stressvm-conform-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        var root = Path.Combine(work, "root");
        try
        {
            foreach (var d in new[] { "bin", "t", "proc", "sys", "dev", "tmp", "lib/modules" }) Directory.CreateDirectory(Path.Combine(root, d));
            File.Copy(GuestSetup.Busybox, Path.Combine(root, "bin", "busybox"));
            foreach (var p in programs) Compile(p, Path.Combine(work, p.Name + ".c"), Path.Combine(root, "t", p.Name));
            bool fb = programs.Any(p => p.NeedsFb), dax = programs.Any(p => p.NeedsDax);
            var modules = new List<string>();
            if (kernel.ModulesDir is { } md)
                foreach (var m in (fb ? FbModules : Array.Empty<string>()).Concat(dax ? DaxModules : Array.Empty<string>()))
                    if (Directory.GetFiles(md, m + ".ko", SearchOption.AllDirectories).FirstOrDefault() is { } ko)
                    {
                        File.Copy(ko, Path.Combine(root, "lib", "modules", m + ".ko"));
                        modules.Add(m);
                    }
            File.WriteAllText(Path.Combine(root, "init"), InitScript(programs, runs, modules, fb, dax), new UTF8Encoding(false));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(root, "init"), (UnixFileMode)0x1ed); // 0755
            string initrd = Path.Combine(work, "initrd.cpio");
            HostTools.Check("sh", ["-c", $"find . | cpio -o -H newc --quiet > '{initrd}'"], TimeSpan.FromMinutes(2), "cpio", root);

            string console = Path.Combine(work, "console.log"), outcomes = Path.Combine(work, "outcomes.log");
            var limit = timeout ?? TimeSpan.FromSeconds(180 + 2.0 * runs * programs.Count);
            var args = new List<string>
            {
                "-M", "pc", "-accel", "tcg,thread=multi", "-smp", Vcpus.ToString(CultureInfo.InvariantCulture), "-m", dax ? "1024" : "512",
                "-nic", "none", "-display", "none", "-vga", "none", "-no-reboot", "-monitor", "none",
                "-kernel", kernel.Image, "-initrd", initrd,
                "-append", "console=ttyS0 panic=-1 loglevel=4 nokaslr" + (dax ? " " + PmemParam : ""),
                "-serial", "file:" + console, "-serial", "file:" + outcomes,
            };
            if (fb) args.AddRange(["-device", "virtio-gpu-pci"]);
            log.WriteLine($"conform: booting {kernel.Package} ({kernel.BootKind}) for {programs.Count} program(s) x {runs} run(s), timeout {limit.TotalSeconds:0} s");
            var sw = Stopwatch.StartNew();
            var r = HostTools.Run("qemu-system-x86_64", args, limit);
            sw.Stop();
            string con = File.Exists(console) ? File.ReadAllText(console) : "";
            string outText = File.Exists(outcomes) ? File.ReadAllText(outcomes) : "";
            if (r.TimedOut) throw new GuestException($"qemu: no power-off within {limit.TotalSeconds:0} s (killed); last console line: {LastLine(con)}");
            if (r.ExitCode != 0) throw new GuestException($"qemu: exit {r.ExitCode}: {HostTools.FirstLine(r.Stderr)}");
            return Parse(outText, programs, runs, QemuVersion(), kernel.BootKind, sw.Elapsed.TotalSeconds, con);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public static void Compile(ConformProgram p, string cFile, string exe)
    {
        File.WriteAllText(cFile, p.CSource);
        HostTools.Check("gcc", ["-static", "-O1", "-pthread", "-Wall", "-o", exe, cFile], TimeSpan.FromMinutes(2), $"gcc {p.Name}");
    }

    /// <summary>The guest's /init: mounts, modules, each program N times with its outcome lines on ttyS1, power off.</summary>
    public static string InitScript(IReadOnlyList<ConformProgram> programs, int runs, IReadOnlyList<string> modules, bool fb = false, bool dax = false)
    {
        var s = new StringBuilder();
        s.Append("#!/bin/busybox sh\n/bin/busybox --install -s /bin\nexport PATH=/bin\n");
        s.Append("mount -t proc proc /proc\nmount -t sysfs sys /sys\nmount -t devtmpfs dev /dev\nmount -t tmpfs tmp /tmp\n");
        s.Append("echo -1 > /proc/sys/kernel/perf_event_paranoid\n");
        foreach (var m in modules) s.Append(CultureInfo.InvariantCulture, $"insmod /lib/modules/{m}.ko\n");
        if (fb) s.Append("i=0; while [ ! -e /dev/fb0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done\n");
        if (dax)
            s.Append("i=0; while [ ! -e /dev/pmem0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done\n" +
                     "mkdir -p /mnt/dax\nmke2fs -b 4096 /dev/pmem0 >/dev/null 2>&1 && mount -t ext4 -o dax /dev/pmem0 /mnt/dax\n");
        s.Append("exec 3>/dev/ttyS1\nstty -F /dev/ttyS1 raw -echo 2>/dev/null\n");
        s.Append("echo \"RELEASE $(uname -r)\" >&3\necho \"VERSION $(cat /proc/version)\" >&3\necho \"NPROC $(nproc)\" >&3\n");
        foreach (var p in programs)
            s.Append(CultureInfo.InvariantCulture,
                $"r=1; while [ $r -le {runs} ]; do echo \"BEGIN {p.Name} $r\" >&3; /t/{p.Name} >&3 2>&3; echo \"RC {p.Name} $r $?\" >&3; r=$((r+1)); done\n");
        s.Append("echo DONE >&3\nsync\npoweroff -f\n");
        return s.ToString();
    }

    /// <summary>Reads the ttyS1 stream: RELEASE/VERSION/NPROC, then BEGIN name run, the outcome lines, END, RC name run code.</summary>
    public static GuestResult Parse(string text, IReadOnlyList<ConformProgram> programs, int runs, string qemu, string bootKind, double seconds, string console)
    {
        string release = "?", version = "?";
        int nproc = 0;
        var vectors = programs.ToDictionary(p => p.Name, _ => new List<string[]>());
        var failures = programs.ToDictionary(p => p.Name, _ => new List<string>());
        ConformProgram? cur = null;
        int run = 0;
        var lines = new List<string>();
        bool ended = false;
        bool done = false;
        foreach (var raw in text.Split('\n'))
        {
            string l = raw.TrimEnd('\r');
            if (l.StartsWith("RELEASE ", StringComparison.Ordinal)) release = l[8..].Trim();
            else if (l.StartsWith("VERSION ", StringComparison.Ordinal)) version = l[8..].Trim();
            else if (l.StartsWith("NPROC ", StringComparison.Ordinal)) int.TryParse(l[6..], CultureInfo.InvariantCulture, out nproc);
            else if (l.StartsWith("BEGIN ", StringComparison.Ordinal))
            {
                var f = l.Split(' ');
                cur = programs.FirstOrDefault(p => p.Name == f[1]);
                run = f.Length > 2 && int.TryParse(f[2], CultureInfo.InvariantCulture, out var n) ? n : 0;
                lines.Clear();
                ended = false;
            }
            else if (l.StartsWith("RC ", StringComparison.Ordinal) && cur is not null)
            {
                var f = l.Split(' ');
                string rc = f.Length > 3 ? f[3] : "?";
                if (rc == "0" && ended && lines.Count == cur.Ops.Count) vectors[cur.Name].Add(ToVector(cur, lines));
                else failures[cur.Name].Add($"run {run}: exit {rc}{(lines.FirstOrDefault(x => x.StartsWith("SETUP", StringComparison.Ordinal)) is { } su ? ", " + su : ended ? "" : ", no END line")}");
                cur = null;
            }
            else if (l == "END") ended = true;
            else if (l == "DONE") done = true;
            else if (cur is not null && l.Length > 0) lines.Add(l);
        }
        if (!done) foreach (var p in programs) failures[p.Name].Add("the guest did not reach the end of its run list");
        var result = programs.ToDictionary(p => p.Name, p => new KernelRuns(p.Name, vectors[p.Name], failures[p.Name]));
        return new GuestResult(release, version, qemu, bootKind, nproc, result, seconds, console);
    }

    private static string[] ToVector(ConformProgram p, List<string> lines)
    {
        var v = new string[p.Ops.Count];
        for (int i = 0; i < p.Ops.Count; i++)
        {
            int tab = lines[i].IndexOf('\t');
            string label = tab < 0 ? "" : lines[i][..tab];
            if (label != p.Ops[i].Label) throw new GuestException($"{p.Name}: outcome line {i + 1} is for '{label}', expected '{p.Ops[i].Label}'");
            v[i] = lines[i][(tab + 1)..];
        }
        return v;
    }

    private static string LastLine(string s) =>
        s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(none)";
}
