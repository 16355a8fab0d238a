using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>What a kernel needs to know about the run it is part of.</summary>
public sealed class RunContext
{
    /// <summary>Train mode: BatchNormalization uses batch statistics and updates its running ones; Dropout is active.</summary>
    public bool Training { get; init; }
    public Device Device { get; init; } = CPU;

    /// <summary>Reads a small integer tensor (shapes, axes, pads) into an array.</summary>
    public static long[] ToInt64s(Tensor tensor)
    {
        using var cpu = tensor.device_type == DeviceType.CPU ? tensor.alias() : tensor.cpu();
        using var asLong = cpu.to_type(ScalarType.Int64);
        return asLong.data<long>().ToArray();
    }

    /// <summary>Reads a scalar or one-element float tensor.</summary>
    public static double ToDouble(Tensor tensor) => tensor.to_type(ScalarType.Float64).cpu().item<double>();
}
