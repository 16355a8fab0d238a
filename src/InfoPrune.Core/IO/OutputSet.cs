using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.IO;

/// <summary>A file a run reads or writes, with what it is for the user ("the policy", "the JSON report (--report)").</summary>
public sealed record RunFile(string Path, string Role);

/// <summary>Problems with the files a run would write (IP0010–IP0011, IP0530, IP0533–IP0534).</summary>
public static class OutputErrors
{
    /// <summary>An output path names an existing directory.</summary>
    public static readonly ErrorCode OutputIsDirectory = ErrorCode.Input(10);
    /// <summary>An output's folder cannot be created or written (permissions, or a file where a folder should be).</summary>
    public static readonly ErrorCode OutputFolderNotWritable = ErrorCode.Input(11);
    /// <summary>An output is a file the run reads (the model, the policy, a data file), after resolving links and "..".</summary>
    public static readonly ErrorCode OutputIsInput = ErrorCode.Input(530);
    /// <summary>Two outputs of one run are the same file.</summary>
    public static readonly ErrorCode OutputsCollide = ErrorCode.Input(533);
    /// <summary>Another run is writing the same output right now.</summary>
    public static readonly ErrorCode OutputInUse = ErrorCode.Input(534);
}

/// <summary>
/// The files one run writes, claimed before the work starts so that a long run cannot end in a
/// write that fails or destroys something:
/// <list type="bullet">
/// <item>no output is a file the run reads, and no two outputs are the same file, compared after
/// resolving symbolic links and "..";</item>
/// <item>every output can be written: it is not a directory, and its folder exists or can be made
/// and takes new files;</item>
/// <item>each output is locked (an advisory lock file beside it) for the whole run, so a second
/// run writing any of the same files stops at once with a clear error instead of mixing its
/// model with the first run's reports.</item>
/// </list>
/// <see cref="Commit"/> then writes the whole set at once: every file to a temporary beside its
/// target first, and only when all are written, the renames. Disposing releases the locks and
/// removes the folders the claim made if nothing was committed into them.
/// </summary>
public sealed class OutputSet : IDisposable
{
    private readonly List<(string Path, FileStream Stream)> _locks = new();
    private readonly List<string> _createdFolders = new();
    private readonly Dictionary<string, RunFile> _outputs;
    private bool _committed;

    private OutputSet(Dictionary<string, RunFile> outputs) => _outputs = outputs;

    /// <summary>
    /// Checks <paramref name="outputs"/> against <paramref name="inputs"/> and each other, checks
    /// each can be written, then locks them. Every problem is reported at once.
    /// </summary>
    /// <exception cref="InfoPruneException">Any output clashes, cannot be written, or is in use by another run.</exception>
    public static OutputSet Claim(IEnumerable<RunFile> outputs, IEnumerable<RunFile> inputs)
    {
        var bag = new DiagnosticBag();
        var readFiles = inputs.Select(i => (Canonical: PathIdentity.Canonical(i.Path), File: i)).ToList();
        var claimed = new Dictionary<string, RunFile>(PathIdentity.Comparer);
        foreach (var output in outputs)
        {
            var canonical = PathIdentity.Canonical(output.Path);
            var read = readFiles.FirstOrDefault(r => PathIdentity.Comparer.Equals(r.Canonical, canonical));
            if (read.File != null)
            {
                bag.Error(OutputErrors.OutputIsInput,
                    $"{output.Role} would overwrite {read.File.Role} '{canonical}'; InfoPrune never overwrites a file it reads: choose another path",
                    output.Path);
                continue;
            }
            if (claimed.TryGetValue(canonical, out var other))
            {
                bag.Error(OutputErrors.OutputsCollide,
                    $"{output.Role} and {other.Role} would be the same file '{canonical}', one overwriting the other: give them different paths",
                    output.Path);
                continue;
            }
            claimed[canonical] = output;
            CheckWritable(canonical, output, bag);
        }
        bag.ThrowIfErrors();

        var set = new OutputSet(claimed);
        try
        {
            foreach (var (canonical, output) in claimed.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                set.CreateFolderOf(canonical, output);
                set.Lock(canonical, output);
            }
        }
        catch
        {
            set.Dispose();
            throw;
        }
        return set;
    }

    /// <summary>
    /// Writes the set: <paramref name="files"/> with bytes are written (all to temporaries first,
    /// then renamed over their targets); files with null bytes are removed, so that a file left by
    /// an earlier run cannot pass for a result of this one. Every path must have been claimed.
    /// </summary>
    public void Commit(IEnumerable<(string Path, byte[]? Bytes)> files)
    {
        var list = files.Select(f => (Target: PathIdentity.Canonical(f.Path), f.Bytes)).ToList();
        foreach (var (target, _) in list)
            if (!_outputs.ContainsKey(target)) throw new InvalidOperationException($"'{target}' was not claimed by this output set");

        var staged = new List<(string Temp, string Target)>();
        try
        {
            foreach (var (target, bytes) in list.Where(f => f.Bytes != null))
            {
                var temp = TempPathFor(target);
                staged.Add((temp, target));
                using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            foreach (var (temp, target) in staged) File.Move(temp, target, overwrite: true);
            foreach (var (target, _) in list.Where(f => f.Bytes == null))
                if (File.Exists(target)) File.Delete(target);
            _committed = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            foreach (var (temp, _) in staged) TryDelete(temp);
            var failed = staged.Count > 0 ? staged[^1].Target : list.FirstOrDefault().Target;
            throw new InfoPruneException(GeneralErrors.CannotWrite, $"cannot write '{failed}': {ex.Message}", failed);
        }
    }

    /// <summary>Releases the locks (removing the lock files) and any folder the claim made that stayed empty.</summary>
    public void Dispose()
    {
        foreach (var (path, stream) in _locks)
        {
            TryDelete(path);
            stream.Dispose();
        }
        _locks.Clear();
        if (!_committed)
            foreach (var folder in Enumerable.Reverse(_createdFolders))
                try { if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        _createdFolders.Clear();
    }

    private static void CheckWritable(string canonical, RunFile output, DiagnosticBag bag)
    {
        if (Directory.Exists(canonical))
        {
            bag.Error(OutputErrors.OutputIsDirectory, $"cannot write {output.Role} to '{canonical}': it is an existing directory; give a file path", output.Path);
            return;
        }
        // The nearest folder that exists is the one that must take new entries (the file, or the
        // first missing folder on the way to it).
        var folder = Path.GetDirectoryName(canonical);
        while (folder != null && !Directory.Exists(folder))
        {
            if (File.Exists(folder))
            {
                bag.Error(OutputErrors.OutputFolderNotWritable, $"cannot write {output.Role} to '{canonical}': '{folder}' is a file, not a folder", output.Path);
                return;
            }
            folder = Path.GetDirectoryName(folder);
        }
        if (folder == null) return;
        var probe = Path.Combine(folder, $".infoprune-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(probe);
            bag.Error(OutputErrors.OutputFolderNotWritable, $"cannot write {output.Role} to '{canonical}': the folder '{folder}' does not accept new files ({(ex is UnauthorizedAccessException ? "permission denied" : ex.Message)})", output.Path);
        }
    }

    private void CreateFolderOf(string canonical, RunFile output)
    {
        var missing = new Stack<string>();
        for (var folder = Path.GetDirectoryName(canonical); folder != null && !Directory.Exists(folder); folder = Path.GetDirectoryName(folder))
            missing.Push(folder);
        try
        {
            while (missing.Count > 0)
            {
                var folder = missing.Pop();
                Directory.CreateDirectory(folder);
                _createdFolders.Add(folder);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InfoPruneException(OutputErrors.OutputFolderNotWritable, $"cannot write {output.Role} to '{canonical}': {ex.Message}", output.Path);
        }
    }

    /// <summary>
    /// Takes an exclusive advisory lock on a lock file beside the output. The holder removes the
    /// lock file before releasing it, so a run that opened the file just before could end up holding
    /// a lock on a file no longer at that path; it sees the path gone and tries again on a new file.
    /// </summary>
    private void Lock(string canonical, RunFile output)
    {
        var lockPath = Path.Combine(Path.GetDirectoryName(canonical)!, $".{Path.GetFileName(canonical)}.infoprune-lock");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw InUse(canonical, output, lockPath);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new InfoPruneException(OutputErrors.OutputFolderNotWritable, $"cannot write {output.Role} to '{canonical}': {ex.Message}", output.Path);
            }
            if (File.Exists(lockPath))
            {
                _locks.Add((lockPath, stream));
                return;
            }
            stream.Dispose();
        }
        throw InUse(canonical, output, lockPath);
    }

    private static InfoPruneException InUse(string canonical, RunFile output, string lockPath) =>
        new(OutputErrors.OutputInUse,
            $"another InfoPrune run is writing {output.Role} '{canonical}' right now (it holds '{lockPath}'); wait for it to finish or choose another output",
            output.Path);

    private static string TempPathFor(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
