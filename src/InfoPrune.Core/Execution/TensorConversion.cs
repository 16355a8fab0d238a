using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Execution;

/// <summary>Between the IR's <see cref="OnnxTensor"/> and TorchSharp tensors.</summary>
public static class TensorConversion
{
    /// <summary>A new tensor with the initializer's data: float32 for floating point, bool for bool, int64 otherwise.</summary>
    public static Tensor ToTorch(OnnxTensor tensor, Device device)
    {
        var shape = tensor.Shape.ToArray();
        Tensor result;
        if (tensor.IsFloatingPoint)
            result = torch.tensor(tensor.ToFloatArray(), shape, dtype: ScalarType.Float32);
        else if (tensor.StoredType == TensorElementType.Bool)
            result = torch.tensor(tensor.ToInt64Array().Select(v => v != 0).ToArray(), shape);
        else
            result = torch.tensor(tensor.ToInt64Array(), shape, dtype: ScalarType.Int64);
        return device.type == DeviceType.CPU ? result : result.to(device);
    }

    /// <summary>The tensor's values as an initializer named <paramref name="name"/>, stored as <paramref name="storedType"/>.</summary>
    public static OnnxTensor FromTorch(string name, Tensor tensor, TensorElementType storedType)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.detach().cpu().contiguous();
        var shape = cpu.shape;
        if (cpu.dtype is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16)
            return OnnxTensor.FromFloats(name, shape, cpu.to_type(ScalarType.Float32).data<float>().ToArray(), storedType);
        return OnnxTensor.FromInt64s(name, shape, cpu.to_type(ScalarType.Int64).data<long>().ToArray(), storedType);
    }
}
