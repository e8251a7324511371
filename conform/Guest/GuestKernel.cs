namespace StressVm.Conform;

/// <summary>
/// The guest's kernel: an ELF vmlinux for QEMU's direct PVH boot (the Debian kernel has CONFIG_PVH=y, so QEMU
/// loads the ELF and jumps to its PVH entry, with no firmware and no bzImage decompression), the modules the
/// fbdev programs need, and the package it came from.
/// </summary>
public sealed record GuestKernel(string Image, string? ModulesDir, string Package, string BootKind);

/// <summary>
/// Installs what the runner needs from Debian's packages (apt-get; nothing else is downloaded) and prepares
/// the kernel once into a cache directory: the linux-image package is fetched with `apt-get download` and
/// unpacked with dpkg-deb (not installed on the host), and its bzImage's XZ payload is unpacked to vmlinux.
/// </summary>
public static class GuestSetup
{
    /// <summary>Host tools and the Debian package that brings each.</summary>
    private static readonly (string Tool, string Package)[] Tools =
    [
        ("qemu-system-x86_64", "qemu-system-x86"), ("gcc", "gcc"), ("cpio", "cpio"), ("xz", "xz-utils"), ("dpkg-deb", "dpkg"),
    ];

    private static readonly TimeSpan AptTimeout = TimeSpan.FromMinutes(8);

    public static string CacheDir =>
        Environment.GetEnvironmentVariable("STRESSVM_CONFORM_CACHE") is { Length: > 0 } d ? d
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "stressvm", "conform");

    /// <summary>The static busybox the initramfs runs (busybox-static puts it at /bin/busybox).</summary>
    public const string Busybox = "/bin/busybox";

    /// <summary>Installs missing host packages (one `apt-get update`, then `apt-get install`); logs to <paramref name="log"/>.</summary>
    public static void EnsureHostPackages(TextWriter log)
    {
        var missing = Tools.Where(t => !HostTools.OnPath(t.Tool)).Select(t => t.Package).ToList();
        if (!IsStaticBusybox()) missing.Add("busybox-static");
        if (!File.Exists("/usr/lib/x86_64-linux-gnu/libc.a")) missing.Add("libc6-dev");
        if (missing.Count == 0) return;
        log.WriteLine($"conform: installing {string.Join(" ", missing)} from Debian's packages");
        AptUpdateOnce(log);
        HostTools.Check("apt-get", ["install", "-y", "--no-install-recommends", .. missing], AptTimeout, "apt-get install");
    }

    private static bool _updated;

    private static void AptUpdateOnce(TextWriter log)
    {
        if (_updated) return;
        log.WriteLine("conform: apt-get update");
        HostTools.Check("apt-get", ["update"], AptTimeout, "apt-get update");
        _updated = true;
    }

    private static bool IsStaticBusybox()
    {
        if (!File.Exists(Busybox)) return false;
        // A static ELF has no PT_INTERP: no "/lib64/ld-linux" string in its first pages.
        var head = new byte[4096];
        using var f = File.OpenRead(Busybox);
        int n = f.Read(head, 0, head.Length);
        return !System.Text.Encoding.ASCII.GetString(head, 0, n).Contains("ld-linux", StringComparison.Ordinal);
    }

    /// <summary>The kernel of Debian's linux-image-amd64, downloaded and unpacked once (cached by package name).</summary>
    public static GuestKernel DebianKernel(TextWriter log)
    {
        string? pkg = CachedPackage();
        if (pkg is null)
        {
            var dep = HostTools.Run("apt-cache", ["depends", "linux-image-amd64"], TimeSpan.FromMinutes(1));
            pkg = ImagePackage(dep.Stdout);
            if (pkg is null)
            {
                AptUpdateOnce(log);
                pkg = ImagePackage(HostTools.Check("apt-cache", ["depends", "linux-image-amd64"], TimeSpan.FromMinutes(1), "apt-cache depends").Stdout)
                    ?? throw new GuestException("apt-cache: linux-image-amd64 names no linux-image package");
            }
        }
        string dir = Path.Combine(CacheDir, pkg);
        string vmlinux = Path.Combine(dir, "vmlinux");
        string root = Path.Combine(dir, "root");
        if (!File.Exists(vmlinux))
        {
            Directory.CreateDirectory(dir);
            log.WriteLine($"conform: fetching {pkg} (apt-get download) into {dir}");
            foreach (var old in Directory.GetFiles(dir, "*.deb")) File.Delete(old);
            var r = HostTools.Run("apt-get", ["download", pkg], AptTimeout, dir);
            if (r.ExitCode != 0)
            {
                AptUpdateOnce(log);
                HostTools.Check("apt-get", ["download", pkg], AptTimeout, $"apt-get download {pkg}", dir);
            }
            var deb = Directory.GetFiles(dir, "*.deb").Single();
            HostTools.Check("dpkg-deb", ["-x", deb, root], TimeSpan.FromMinutes(3), "dpkg-deb -x");
            File.Delete(deb);
            var bz = Directory.GetFiles(Path.Combine(root, "boot"), "vmlinuz-*").Single();
            ExtractVmlinux(bz, vmlinux);
        }
        var mods = Directory.Exists(Path.Combine(root, "lib", "modules")) ? Directory.GetDirectories(Path.Combine(root, "lib", "modules")).FirstOrDefault() : null;
        return new GuestKernel(vmlinux, mods, pkg, "PVH (ELF vmlinux)");
    }

    /// <summary>A user's kernel (--kernel PATH): an ELF vmlinux boots through PVH, anything else as a bzImage.</summary>
    public static GuestKernel UserKernel(string path)
    {
        if (!File.Exists(path)) throw new GuestException($"--kernel {path}: no such file");
        var head = new byte[4];
        using (var f = File.OpenRead(path)) f.ReadExactly(head);
        bool elf = head[0] == 0x7f && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F';
        return new GuestKernel(Path.GetFullPath(path), null, Path.GetFileName(path), elf ? "PVH (ELF vmlinux)" : "bzImage");
    }

    private static string? CachedPackage()
    {
        if (!Directory.Exists(CacheDir)) return null;
        return Directory.GetDirectories(CacheDir, "linux-image-*").Where(d => File.Exists(Path.Combine(d, "vmlinux")))
            .Select(Path.GetFileName).OrderByDescending(n => n, StringComparer.Ordinal).FirstOrDefault();
    }

    private static string? ImagePackage(string aptCacheDepends) =>
        aptCacheDepends.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("Depends: linux-image-", StringComparison.Ordinal))
            .Select(l => l["Depends: ".Length..]).FirstOrDefault();

    /// <summary>
    /// bzImage to vmlinux, as the kernel's scripts/extract-vmlinux does: find the compressed payload's magic
    /// (Debian builds with CONFIG_KERNEL_XZ) and unpack it; xz stops at the stream's end.
    /// </summary>
    public static void ExtractVmlinux(string bzImage, string vmlinux)
    {
        var data = File.ReadAllBytes(bzImage);
        byte[] xzMagic = [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00];
        int at = data.AsSpan().IndexOf(xzMagic);
        if (at < 0) throw new GuestException($"{bzImage}: no XZ payload found (not a Debian bzImage?); pass an ELF vmlinux with --kernel");
        string payload = vmlinux + ".xz";
        File.WriteAllBytes(payload, data[at..]);
        // "xz -dc" reports trailing garbage after the stream (the bzImage's tail) but has written the image.
        var r = HostTools.Run("sh", ["-c", $"xz -dcq '{payload}' > '{vmlinux}.tmp'; true"], TimeSpan.FromMinutes(3));
        File.Delete(payload);
        var tmp = vmlinux + ".tmp";
        var head = new byte[4];
        using (var f = File.OpenRead(tmp))
            if (f.Read(head) != 4 || head[0] != 0x7f || head[1] != (byte)'E') throw new GuestException($"{bzImage}: the XZ payload is not an ELF image: {HostTools.FirstLine(r.Stderr)}");
        File.Move(tmp, vmlinux, overwrite: true);
    }
}
