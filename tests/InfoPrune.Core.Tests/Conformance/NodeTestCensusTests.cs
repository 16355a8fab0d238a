using InfoPrune.Core.Ops;
using Xunit.Abstractions;

namespace InfoPrune.Core.Tests.Conformance;

/// <summary>What the node suite covers of InfoPrune's operators, and that the ops classifiers export are among them.</summary>
public class NodeTestCensusTests
{
    private readonly ITestOutputHelper _output;
    public NodeTestCensusTests(ITestOutputHelper output) => _output = output;

    /// <summary>The operators PyTorch emits for ordinary classifiers that issue 17 asked for.</summary>
    public static readonly string[] CommonlyExported =
    {
        "Cast", "ConstantOfShape", "Expand", "Where", "Equal", "Slice", "Split", "ReduceSum", "ReduceMax",
        "LayerNormalization", "InstanceNormalization", "Resize", "ConvTranspose", "Einsum",
    };

    [Fact]
    public void CommonlyExportedOpsAreClaimedByNodeTests()
    {
        var names = NodeTestSuite.TestNames;
        Assert.True(names.Count > 0, $"the ONNX node tests are not in {NodeTestSuite.Directory}: run eng/setup.sh");
        var registry = OpRegistry.Default;
        var claimedOps = new HashSet<string>(StringComparer.Ordinal);
        int claimed = 0, listed = 0;
        foreach (var test in names)
        {
            if (NodeTestSuite.Unclaimed(test, registry).Count > 0) continue;
            claimed++;
            if (NodeTestExceptions.For(test) != null) listed++;
            foreach (var op in NodeTestSuite.Operators(test)) claimedOps.Add(op.OpType);
        }
        _output.WriteLine($"node tests: {names.Count}; claimed: {claimed} (listed as not expressible: {listed}); unclaimed: {names.Count - claimed}");
        _output.WriteLine($"operators claimed by some test: {claimedOps.Count}");
        var missing = CommonlyExported.Where(op => !claimedOps.Contains(op)).ToArray();
        Assert.True(missing.Length == 0, $"no claimed node test exercises: {string.Join(", ", missing)}");
    }
}
