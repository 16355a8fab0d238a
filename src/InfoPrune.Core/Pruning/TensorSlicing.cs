using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Pruning;

/// <summary>Index selection along one axis of an initializer (the core of surgery).</summary>
public static class TensorSlicing
{
    public static OnnxTensor Select(OnnxTensor tensor, int axis, IReadOnlyList<long> keep)
    {
        var shape = tensor.Shape.ToArray();
        long outer = 1, inner = 1;
        for (var d = 0; d < axis; d++) outer *= shape[d];
        for (var d = axis + 1; d < shape.Length; d++) inner *= shape[d];
        var newShape = (long[])shape.Clone();
        newShape[axis] = keep.Count;
        var count = (int)(outer * keep.Count * inner);

        if (tensor.IsFloatingPoint)
        {
            var source = tensor.Floats;
            var result = new float[count];
            Copy(source, result, outer, shape[axis], inner, keep);
            return OnnxTensor.FromFloats(tensor.Name, newShape, result, tensor.StoredType);
        }
        var ints = tensor.Int64s;
        var kept = new long[count];
        Copy(ints, kept, outer, shape[axis], inner, keep);
        return OnnxTensor.FromInt64s(tensor.Name, newShape, kept, tensor.StoredType);
    }

    private static void Copy<T>(ReadOnlySpan<T> source, T[] target, long outer, long axisLength, long inner, IReadOnlyList<long> keep)
    {
        var t = 0;
        for (long o = 0; o < outer; o++)
            foreach (var k in keep)
            {
                source.Slice((int)((o * axisLength + k) * inner), (int)inner).CopyTo(target.AsSpan(t, (int)inner));
                t += (int)inner;
            }
    }
}
