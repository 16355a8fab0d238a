using InfoPrune.Core.Methods.IbGates;
using InfoPrune.Core.Policy;
using static InfoPrune.Core.Tests.Policy.PolicyExamples;

namespace InfoPrune.Core.Tests.Methods;

/// <summary>How a policy spells ib-gates: its parameters, their defaults, their limits, and the target "auto".</summary>
public class IbGatesPolicyTests
{
    [Fact]
    public void GateParametersAreReadWithTheirDefaultsFilledIn()
    {
        var given = (IbGatesParameters)ParseValid(WithMethod("""{"name": "ib-gates", "epochs": 3, "lr": 0.005, "gamma": 0.2, "threshold": 1.5}""")).Method.Parameters;
        Assert.Equal(new IbGatesParameters(3, 0.005, 0.2, 1.5), given);
        var defaults = (IbGatesParameters)ParseValid(WithMethod("""{"name": "ib-gates"}""")).Method.Parameters;
        Assert.Equal(new IbGatesParameters(), defaults);
        Assert.Null(defaults.Gamma); // "auto": follows a budget
        var auto = (IbGatesParameters)ParseValid(WithMethod("""{"name": "ib-gates", "gamma": "auto"}""")).Method.Parameters;
        Assert.Null(auto.Gamma);
        Assert.Contains("\"method-ib-gates\"", PolicySchema.Text);
    }

    [Fact]
    public void TheAutoTargetIsAcceptedBecauseTheGatesDecideTheRatios()
    {
        var policy = ParseValid(WithMethod("""{"name": "ib-gates"}""").Replace("\"target\": {\"ratio\": 0.5}", "\"target\": \"auto\"", StringComparison.Ordinal));
        Assert.Equal(TargetKind.Auto, policy.Target.Kind);
    }

    [Fact]
    public void EveryOutOfRangeGateParameterIsReportedWithItsPlace()
    {
        var diagnostics = Check(WithMethod("""{"name": "ib-gates", "epochs": 0, "lr": 0, "gamma": -1, "threshold": -0.5}""")).Diagnostics;
        Assert.Equal(4, diagnostics.Count);
        foreach (var key in new[] { "method.epochs", "method.lr", "method.gamma", "method.threshold" })
            Assert.Contains(diagnostics, d => d.Message.Contains(key, StringComparison.Ordinal) && d.Line > 0 && d.Column > 0);
    }

    [Fact]
    public void AGammaWordOtherThanAutoIsRefusedWithItsPlace()
    {
        var diagnostics = Check(WithMethod("""{"name": "ib-gates", "gamma": "budget"}""")).Diagnostics;
        var error = Assert.Single(diagnostics);
        Assert.Contains("method.gamma", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"auto\"", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > 0 && error.Column > 0);
    }
}
