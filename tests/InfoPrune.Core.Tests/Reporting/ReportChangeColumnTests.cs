using InfoPrune.Core.Reporting;

namespace InfoPrune.Core.Tests.Reporting;

/// <summary>The markdown summary's change column: one form (signed relative change) for sizes and times alike.</summary>
public class ReportChangeColumnTests
{
    [Theory]
    [InlineData(1000.0, 484.0, "−51.6%")]
    [InlineData(2.0, 11.4, "+470.0%")]
    [InlineData(5.0, 5.0, "0.0%")]
    [InlineData(null, 5.0, "—")]
    [InlineData(0.0, 5.0, "—")]
    public void ChangeIsTheSignedRelativeDifference(double? before, double? after, string expected) =>
        Assert.Equal(expected, ReportWriter.RelativeChange(before, after));
}
