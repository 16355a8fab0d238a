using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;
using TorchSharp;

namespace InfoPrune.Core.Tests.Conformance;

/// <summary>
/// Every ONNX backend node test through the reader, the op registry and the TorchSharp executor:
/// a test whose operators InfoPrune claims at the test's opset must reproduce the expected
/// outputs; a test using an operator it does not claim must be refused with IP0201 naming it.
/// </summary>
public class OnnxNodeConformanceTests
{
    private const string SuiteMissing = "<libonnx-testdata not installed>";

    public static TheoryData<string> NodeTests()
    {
        var data = new TheoryData<string>();
        var names = NodeTestSuite.TestNames;
        // A missing suite is one failing row, never a vacuous pass.
        if (names.Count == 0) data.Add(SuiteMissing);
        foreach (var name in names) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(NodeTests))]
    public void NodeTestRunsAsOnnxSays(string test)
    {
        Assert.False(test == SuiteMissing,
            $"the ONNX node tests are not in {NodeTestSuite.Directory}: run eng/setup.sh (it installs libonnx-testdata)");

        var registry = OpRegistry.Default;
        var unclaimed = NodeTestSuite.Unclaimed(test, registry);
        if (unclaimed.Count > 0)
        {
            var refusal = Assert.Throws<InfoPruneException>(() =>
            {
                var refused = OnnxModel.Load(NodeTestSuite.ModelPath(test));
                GraphExecutor.Create(refused, torch.CPU, registry).Dispose();
            });
            Assert.Contains(refusal.Diagnostics, d => d.Code == OpsErrors.UnsupportedOperator);
            foreach (var op in unclaimed)
                Assert.Contains(refusal.Diagnostics, d => d.Message.Contains($" {op[..op.LastIndexOf('-')]} (opset ", StringComparison.Ordinal));
            return;
        }

        var model = OnnxModel.Load(NodeTestSuite.ModelPath(test));
        var listed = NodeTestExceptions.For(test);
        if (listed?.Handling == NodeTestHandling.RefusedAtCompile)
        {
            var refusal = Assert.Throws<InfoPruneException>(() => GraphExecutor.Create(model, torch.CPU, registry).Dispose());
            Assert.All(refusal.Diagnostics, d => Assert.Equal(ErrorKind.UnsupportedModel, d.Code.Kind));
            return;
        }

        using var executor = GraphExecutor.Create(model, torch.CPU, registry);
        var shapesOnly = listed?.Handling == NodeTestHandling.ShapesOnly;
        var valuesDiffer = false;
        foreach (var (set, inputs, outputs) in NodeTestSuite.DataSets(test))
        {
            var problems = NodeTestSuite.Compare(executor, inputs, outputs, shapesOnly);
            Assert.True(problems.Count == 0, $"{test}/{set}: {string.Join("; ", problems)}");
            if (shapesOnly) valuesDiffer |= NodeTestSuite.Compare(executor, inputs, outputs).Count > 0;
        }
        if (shapesOnly)
            Assert.True(valuesDiffer, $"{test} now matches its expected values: take it off NodeTestExceptions");
    }
}
