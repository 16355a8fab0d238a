using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Execution;

/// <summary>Where tensors live: CUDA when TorchSharp reports it (the GPU package build), else the CPU.</summary>
public static class DeviceChoice
{
    public static Device Best() => cuda.is_available() ? CUDA : CPU;

    /// <summary>
    /// Sets the intra-op thread count (PyTorch defaults to the core count, which oversubscribes
    /// when ONNX Runtime or other work shares the machine); 0 leaves libtorch's default.
    /// </summary>
    public static void UseThreads(int threads)
    {
        if (threads > 0) torch.set_num_threads(threads);
    }
}
