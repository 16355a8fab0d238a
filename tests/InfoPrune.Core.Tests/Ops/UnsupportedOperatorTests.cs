using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Tests.Support;
using TorchSharp;

namespace InfoPrune.Core.Tests.Ops;

public class UnsupportedOperatorTests
{
    [Fact]
    public void UnknownOperatorsAreAllListedWithTheirNodes()
    {
        var model = new TestModelBuilder(13).Input("x", "N", 4)
            .Node("Foo", new[] { "x" }, new[] { "a" })
            .Node("Identity", new[] { "a" }, new[] { "b" })
            .Node("Foo", new[] { "b" }, new[] { "c" })
            .Node("Bar", new[] { "c" }, new[] { "y" })
            .Output("y", "N", 4)
            .Build();

        var error = Assert.Throws<InfoPruneException>(() => GraphExecutor.Create(model, torch.CPU));

        Assert.Equal("IP0201", error.Code.Id);
        Assert.Equal(4, error.ExitCode);
        Assert.Equal(2, error.Diagnostics.Count);
        Assert.All(error.Diagnostics, d => Assert.Equal("IP0201", d.Code.Id));
        Assert.Contains("Foo", error.Message);
        Assert.Contains("foo_0", error.Message);
        Assert.Contains("foo_2", error.Message);
        Assert.Contains("Bar", error.Message);
        Assert.Contains("bar_3", error.Message);
        Assert.DoesNotContain("identity_1", error.Message);
    }

    [Fact]
    public void BadAttributesOfSeveralNodesAreReportedTogether()
    {
        var model = new TestModelBuilder(13).Input("x", "N", 4)
            .Int64s("pads", new long[] { 4 }, new long[] { 0, 1, 0, 1 })
            .Node("Pad", new[] { "x", "pads" }, new[] { "a" }, ("mode", "symmetric"))
            .Node("Transpose", new[] { "a" }, new[] { "b" }, ("perm", new long[] { 0, 0 }))
            .Node("Concat", new[] { "b" }, new[] { "y" })
            .Output("y", "N", 6)
            .Build();

        var error = Assert.Throws<InfoPruneException>(() => GraphExecutor.Create(model, torch.CPU));

        Assert.Equal(3, error.Diagnostics.Count);
        Assert.All(error.Diagnostics, d => Assert.Equal("IP0107", d.Code.Id));
        Assert.Contains("pad_0", error.Message);
        Assert.Contains("transpose_1", error.Message);
        Assert.Contains("concat_2", error.Message);
    }
}
