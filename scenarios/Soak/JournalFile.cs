using System.Text;

namespace StressVm.Scenarios.Soak;

/// <summary>
/// The journal file of a state directory, <c>soak-journal.jsonl</c>: reading it back (skipping torn or
/// corrupted lines with a warning) and appending to it durably (<see cref="FileStream.Flush(bool)"/> with
/// flushToDisk after every append), plus the lock file that keeps two soaks out of one directory.
/// </summary>
public sealed class JournalFile : IJournalSink
{
    public const string FileName = "soak-journal.jsonl";
    public const string LockName = "soak.lock";

    private readonly FileStream _stream;
    private bool _needsSeparator;

    private JournalFile(FileStream stream) => _stream = stream;

    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>Reads every intact record of the journal in <paramref name="directory"/>, in order.</summary>
    public static List<SoakRecord> ReadAll(string directory, Action<string> warn)
    {
        var records = new List<SoakRecord>();
        string path = PathIn(directory);
        if (!File.Exists(path)) return records;
        string text;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(fs, Encoding.UTF8))
            text = reader.ReadToEnd();
        int lineNo = 0, pos = 0;
        while (pos < text.Length)
        {
            lineNo++;
            int nl = text.IndexOf('\n', pos);
            if (nl < 0)
            {
                warn($"{path}:{lineNo}: torn last record ({text.Length - pos} bytes without an end of line) skipped");
                break;
            }
            string line = text[pos..nl];
            pos = nl + 1;
            if (line.Length == 0) continue;
            var record = JournalLine.TryDecode(line);
            if (record is null) warn($"{path}:{lineNo}: corrupted record skipped (checksum or format)");
            else records.Add(record);
        }
        return records;
    }

    /// <summary>Opens the journal for appending; a torn last line (no end of line) is cut off first.</summary>
    public static JournalFile OpenForAppend(string directory, Action<string> warn)
    {
        var stream = new FileStream(PathIn(directory), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        long length = stream.Length;
        if (length > 0)
        {
            long keep = LengthOfWholeLines(stream);
            if (keep < length)
            {
                warn($"{stream.Name}: cutting a torn last record of {length - keep} bytes");
                stream.SetLength(keep);
                stream.Flush(true);
            }
        }
        stream.Seek(0, SeekOrigin.End);
        return new JournalFile(stream);
    }

    /// <summary>Takes the directory's lock; throws <see cref="IOException"/> naming the directory when another soak holds it.</summary>
    public static FileStream Lock(string directory)
    {
        string path = Path.Combine(directory, LockName);
        try
        {
            var lockStream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            lockStream.SetLength(0);
            lockStream.Write(Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n"));
            lockStream.Flush(true);
            return lockStream;
        }
        catch (IOException e)
        {
            throw new IOException($"state directory {directory} is in use by another soak ({e.Message})", e);
        }
    }

    public void Append(string lines)
    {
        try
        {
            if (_needsSeparator)
            {
                _stream.Write("\n"u8);
                _needsSeparator = false;
            }
            _stream.Write(Encoding.UTF8.GetBytes(lines));
            _stream.Flush(true);
        }
        catch
        {
            // A failed write may have left part of a line: the next append starts on a fresh line, so the
            // fragment stays a line of its own that the reader skips.
            _needsSeparator = true;
            try { _stream.Seek(0, SeekOrigin.End); } catch (IOException) { }
            throw;
        }
    }

    public void Dispose() => _stream.Dispose();

    private static long LengthOfWholeLines(FileStream stream)
    {
        var buffer = new byte[64 * 1024];
        long end = stream.Length;
        while (end > 0)
        {
            int n = (int)Math.Min(buffer.Length, end);
            stream.Seek(end - n, SeekOrigin.Begin);
            stream.ReadExactly(buffer, 0, n);
            int nl = Array.LastIndexOf(buffer, (byte)'\n', n - 1);
            if (nl >= 0) return end - n + nl + 1;
            end -= n;
        }
        return 0;
    }
}
