using InfoPrune.Core.Data;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using InfoPrune.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Tests.Training;

public class DistillationTests
{
    /// <summary>T²·KL(teacher ‖ student) on held-out samples, both in eval mode.</summary>
    private static double HeldOutDivergence(GraphExecutor student, GraphExecutor teacher, double temperature)
    {
        var (x, _) = ToyProblem.Samples(256, seed: 99);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        student.Training = false;
        var input = torch.tensor(x, new long[] { 256, ToyProblem.Features });
        return DistillationLoss.SoftTargetTerm(student.Forward(input), teacher.Forward(input), temperature).item<float>();
    }

    [Fact]
    public void FullWeightDistillationPullsTheStudentTowardsTheTeacher()
    {
        using var data = ToyProblem.Dataset(512);
        using var teacher = GraphExecutor.Create(ToyProblem.Mlp(seed: 11, hidden: 24), torch.CPU);
        using var student = GraphExecutor.Create(ToyProblem.Mlp(seed: 3), torch.CPU);
        var options = new FineTuneOptions { LearningRate = 0.01, Epochs = 4, BatchSize = 32, DistillWeight = 1, DistillTemperature = 2 };
        var before = HeldOutDivergence(student, teacher, 2);

        var result = new Trainer(options).Train(student, data, teacher);

        var after = HeldOutDivergence(student, teacher, 2);
        Assert.True(after < before * 0.3, $"KL(teacher ‖ student) went from {before:G4} to {after:G4}");
        Assert.True(result.Epochs[^1].MeanLoss < result.Epochs[0].MeanLoss, "the distillation loss did not fall");
    }

    [Fact]
    public void SoftTargetTermIsTheBatchMeanKlScaledByTheSquaredTemperature()
    {
        using var scope = torch.NewDisposeScope();
        var student = torch.tensor(new float[] { 1, 2, 3, 0, 0, 1 }, new long[] { 2, 3 });
        var teacher = torch.tensor(new float[] { 3, 1, 0, 1, 1, 1 }, new long[] { 2, 3 });
        const double T = 2;
        double expected = 0;
        for (int row = 0; row < 2; row++)
        {
            var p = Softmax(teacher[row].data<float>().ToArray(), T);
            var q = Softmax(student[row].data<float>().ToArray(), T);
            expected += p.Zip(q, (pi, qi) => pi * Math.Log(pi / qi)).Sum();
        }
        expected = expected / 2 * T * T;

        Assert.Equal(expected, DistillationLoss.SoftTargetTerm(student, teacher, T).item<float>(), 5);
        Assert.Equal(0.0, DistillationLoss.SoftTargetTerm(student, student, T).item<float>(), 6);
    }

    [Fact]
    public void ZeroWeightIsPlainCrossEntropy()
    {
        using var scope = torch.NewDisposeScope();
        var student = torch.randn(4, 3);
        var teacher = torch.randn(4, 3);
        var labels = torch.tensor(new long[] { 0, 2, 1, 1 });
        var plain = torch.nn.functional.cross_entropy(student, labels).item<float>();
        Assert.Equal(plain, DistillationLoss.Combined(student, labels, teacher, 0, 4).item<float>());
        var half = DistillationLoss.Combined(student, labels, teacher, 0.5, 4).item<float>();
        Assert.Equal(0.5 * plain + 0.5 * DistillationLoss.SoftTargetTerm(student, teacher, 4).item<float>(), half, 5);
    }

    [Fact]
    public void DistillationWithoutATeacherIsRefused()
    {
        using var data = ToyProblem.Dataset(32);
        using var student = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);
        Assert.Throws<ArgumentException>(() => new Trainer(new FineTuneOptions { DistillWeight = 0.5 }).Train(student, data));
    }

    [Fact]
    public void ATeacherWithOtherClassesIsReported()
    {
        using var data = ToyProblem.Dataset(32);
        using var student = GraphExecutor.Create(ToyProblem.Mlp(), torch.CPU);
        var fourClasses = new InfoPrune.Core.Tests.Support.TestModelBuilder().Input("x", "N", 8).Output("y", "N", 4)
            .Weight("w", new long[] { 4, 8 }).Node("Gemm", new[] { "x", "w" }, new[] { "y" }, ("transB", 1L)).Build();
        using var teacher = GraphExecutor.Create(fourClasses, torch.CPU);

        var error = Assert.Throws<InfoPruneException>(() =>
            new Trainer(new FineTuneOptions { BatchSize = 8, DistillWeight = 0.5 }).Train(student, data, teacher));

        Assert.Equal(TrainingErrors.TeacherMismatch, error.Code);
        Assert.Contains("[8, 4]", error.Message);
    }

    private static double[] Softmax(float[] logits, double temperature)
    {
        var e = logits.Select(v => Math.Exp(v / temperature)).ToArray();
        var sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}
