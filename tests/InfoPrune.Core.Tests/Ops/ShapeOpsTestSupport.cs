using InfoPrune.Core.Onnx;
using InfoPrune.Core.Tests.Support;

namespace InfoPrune.Core.Tests.Ops;

/// <summary>One-input, one-output models for op parity tests: float input "x", float output "y".</summary>
internal static class ShapeOpsTestSupport
{
    /// <summary>
    /// Builds the model <paramref name="body"/> describes. The output's shape is left undeclared
    /// so each test need not spell it out; ORT infers it and the parity check compares shapes.
    /// </summary>
    public static OnnxModel Model(long opset, long[] inputShape, Action<TestModelBuilder> body)
    {
        var builder = new TestModelBuilder(opset).Input("x", inputShape.Cast<object>().ToArray());
        // ORT refuses newer opsets in older IR versions (opset 19+ needs IR 9, 21+ IR 10).
        builder.Proto.IrVersion = opset >= 21 ? 10 : opset >= 19 ? 9 : 8;
        body(builder);
        builder.Output("y");
        builder.Graph.Output[0].Type.TensorType.Shape = null;
        return builder.Build();
    }

    /// <summary>Asserts the model matches ONNX Runtime on a random input of <paramref name="inputShape"/>.</summary>
    public static void AssertParity(long opset, long[] inputShape, Action<TestModelBuilder> body) =>
        ParityAssert.MatchesOrt(Model(opset, inputShape, body), inputShape);

    public static long[] Shape(params long[] dims) => dims;
}
