using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace InfoPrune.Core.Latency;

/// <summary>
/// What a latency measurement depends on besides the model: the processor (model name, cores,
/// vector instruction sets, which decide ONNX Runtime's kernel blocking) and the ONNX Runtime
/// version. Measurements are cached under <see cref="Key"/>, so another machine or runtime
/// measures afresh.
/// </summary>
public sealed record MachineIdentity(string Description, string Key)
{
    private static readonly Lazy<MachineIdentity> Cached = new(Detect);

    /// <summary>This process's machine and ONNX Runtime.</summary>
    public static MachineIdentity Current => Cached.Value;

    /// <summary>The ONNX Runtime version loaded in this process.</summary>
    public static string OnnxRuntimeVersion => OrtEnv.Instance().GetVersionString();

    private static MachineIdentity Detect()
    {
        var isa = new List<string>();
        if (Avx512F.IsSupported) isa.Add("avx512f");
        if (Avx2.IsSupported) isa.Add("avx2");
        if (Fma.IsSupported) isa.Add("fma");
        if (Avx.IsSupported) isa.Add("avx");
        if (AdvSimd.IsSupported) isa.Add("neon");
        var description = $"{ProcessorName()}; {Environment.ProcessorCount} logical cores; {RuntimeInformation.ProcessArchitecture}; " +
                          $"{string.Join(",", isa)}; {RuntimeInformation.OSDescription}; ONNX Runtime {OnnxRuntimeVersion}";
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(description)))[..16].ToLowerInvariant();
        return new MachineIdentity(description, key);
    }

    private static string ProcessorName()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line != null) return line[(line.IndexOf(':') + 1)..].Trim();
            }
        }
        catch (IOException)
        {
            // An unreadable cpuinfo only makes the key coarser.
        }
        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
