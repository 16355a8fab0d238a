using System.Diagnostics;
using System.Text.Json;

namespace InfoPrune.Bench;

/// <summary>
/// bench/pytorch/train_throughput.py in --serve mode: the PyTorch baseline, kept alive so its
/// steps can be interleaved with the executor's in short blocks (see that script's protocol).
/// </summary>
internal sealed class PyTorchPeer : IDisposable
{
    private readonly Process _process;

    public PyTorchPeer(string python, string script, int batch, int threads, string dataDirectory)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { script, "--serve", "--batch", batch.ToString(), "--threads", threads.ToString(), "--data", dataDirectory })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {python}");
    }

    public JsonElement Load(string model) => Ask($"load {model}");

    /// <summary>Runs batches first .. first+count−1; returns each step's seconds and the last loss.</summary>
    public (double[] StepSeconds, double Loss) Steps(long first, int count)
    {
        var reply = Ask($"steps {first} {count}");
        return (reply.GetProperty("step_seconds").EnumerateArray().Select(e => e.GetDouble()).ToArray(), reply.GetProperty("loss").GetDouble());
    }

    private JsonElement Ask(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        var line = _process.StandardOutput.ReadLine()
                   ?? throw new InvalidOperationException($"the PyTorch peer exited (code {(_process.HasExited ? _process.ExitCode : -1)}) on '{command}'");
        var reply = JsonDocument.Parse(line).RootElement;
        if (reply.TryGetProperty("error", out var error)) throw new InvalidOperationException($"PyTorch peer: {error}");
        return reply;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(10_000)) _process.Kill();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
