using InfoPrune.Core.Methods;
using InfoPrune.Core.Methods.Cmi;
using InfoPrune.Core.Policy;
using static InfoPrune.Core.Tests.Policy.PolicyExamples;

namespace InfoPrune.Core.Tests.Policy;

public class CmiPolicyTests
{
    [Fact]
    public void CmiDefaultsToThePapersBestSettings()
    {
        var parameters = Assert.IsType<CmiParameters>(ParseValid(WithMethod("{\"name\": \"cmi\"}")).Method.Parameters);

        Assert.Equal((256, 2.0, (double?)null), (parameters.Samples, parameters.Alpha, parameters.KernelWidth));
        Assert.Equal((CmiConditioning.Compact, CmiCutoff.Scree, CmiLayerOrder.Bidirectional), (parameters.Conditioning, parameters.Cutoff, parameters.Order));
    }

    [Fact]
    public void EveryCmiSettingIsRead()
    {
        var policy = ParseValid(WithMethod("""
            {"name": "cmi", "samples": 128, "alpha": 1.5, "kernelWidth": 0.75, "conditioning": "full", "cutoff": "xmeans", "order": "forward", "magnitude": "rank"}
            """));

        Assert.Equal(new CmiParameters
        {
            Samples = 128, Alpha = 1.5, KernelWidth = 0.75,
            Conditioning = CmiConditioning.Full, Cutoff = CmiCutoff.XMeans, Order = CmiLayerOrder.Forward, Magnitude = MagnitudeBlend.Rank,
        }, policy.Method.Parameters);
    }

    [Fact]
    public void CmiHasNoPerChannelScoreForAMagnitudeProduct()
    {
        var result = Check(WithMethod("{\"name\": \"cmi\", \"magnitude\": \"product\"}"));
        var diagnostic = Assert.Single(result.Diagnostics);
        // Minimal's method line is line 3: "method": {"name": "cmi", "magnitude": "product"},
        Assert.Equal(("IP0871", 3, 1 + "\"method\": {\"name\": \"cmi\", \"magnitude\": ".Length), (diagnostic.Code.Id, diagnostic.Line, diagnostic.Column));
        Assert.Contains("\"rank\"", diagnostic.Message);
    }

    [Fact]
    public void CmiAcceptsTargetAuto()
    {
        var policy = ParseValid(WithMethod("{\"name\": \"cmi\"}").Replace("{\"ratio\": 0.5}", "\"auto\"", StringComparison.Ordinal));
        Assert.Equal(TargetKind.Auto, policy.Target.Kind);
        Assert.Contains("\"method-cmi\"", PolicySchema.Text);
    }

    [Fact]
    public void EveryBadCmiSettingIsReportedWithItsPosition()
    {
        var diagnostics = Check(WithMethod("""
            {"name": "cmi", "samples": 4, "alpha": 0, "kernelWidth": "scott", "conditioning": "partial", "cutoff": "elbow", "order": 3, "sigma": 1}
            """)).Diagnostics;

        foreach (var key in new[] { "samples", "alpha", "kernelWidth", "conditioning", "cutoff", "order", "sigma" })
            Assert.Contains(diagnostics, d => d.Message.StartsWith($"method.{key}") && d.Line > 0 && d.Column > 0);
        Assert.Equal(7, diagnostics.Count);
    }
}
