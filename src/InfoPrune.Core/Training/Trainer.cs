using System.Diagnostics;
using InfoPrune.Core.Data;
using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Execution;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Training;

/// <summary>
/// Fine-tunes a <see cref="GraphExecutor"/> on labelled data: cross-entropy on the model's first
/// output, optionally distilled from a teacher (the unpruned model), with the optimizer and
/// learning-rate schedule of <see cref="FineTuneOptions"/>. The trained weights (and updated
/// BatchNormalization statistics) stay in the executor; call <c>ToModel()</c> to write them out.
/// </summary>
/// <remarks>
/// <para><b>Deterministic</b>: the seed drives libtorch's generator (Dropout) and the per-epoch
/// shuffle, and the CPU kernels the ops use are deterministic for a fixed thread count, so the same
/// model, data, options and thread count give bit-identical weights. (TorchSharp 0.107 does not
/// bind <c>torch.use_deterministic_algorithms</c>; the determinism tests guard this instead.)</para>
/// <para><b>Lean steps</b>: inputs are views of the batch arrays (no copy), every step's tensors live
/// in one DisposeScope, and the loss and accuracy accumulate on the device and are read only every
/// <see cref="FineTuneOptions.ProgressInterval"/> steps.</para>
/// </remarks>
public sealed class Trainer
{
    /// <summary>A trainer for <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range.</exception>
    public Trainer(FineTuneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    public FineTuneOptions Options { get; }

    /// <summary>
    /// Trains <paramref name="student"/> on <paramref name="data"/>. The executor's train/eval mode is
    /// restored afterwards; its weights are trained in place.
    /// </summary>
    /// <param name="student">The model to train.</param>
    /// <param name="data">Training images and labels.</param>
    /// <param name="teacher">The model to distil from (run in eval mode without gradients); required when <see cref="FineTuneOptions.Distills"/>, ignored otherwise.</param>
    /// <param name="progress">Reported every <see cref="FineTuneOptions.ProgressInterval"/> steps and at the end of each epoch, on the training thread.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <param name="hook">A method's own parameters and loss term, trained with the weights (null: plain fine-tuning).</param>
    /// <exception cref="OperationCanceledException">The token was cancelled; the weights are left part-trained.</exception>
    /// <exception cref="InfoPruneException">The loss became NaN or infinite, or the model or labels do not fit a classifier's training.</exception>
    public TrainingResult Train(GraphExecutor student, LabeledDataset data, GraphExecutor? teacher = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, ITrainingHook? hook = null)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(data);
        if (Options.Distills && teacher == null)
            throw new ArgumentException("distillation needs a teacher model", nameof(teacher));
        if (ReferenceEquals(student, teacher))
            throw new ArgumentException("the teacher must be a separate executor (the unpruned model)", nameof(teacher));
        if (!Options.Distills) teacher = null;
        cancellationToken.ThrowIfCancellationRequested();
        if (Options.Epochs == 0) return TrainingResult.Empty;

        var stream = CreateBatchStream(data);
        var schedule = LearningRateSchedule.For(Options, stream.BatchCount);
        bool studentWasTraining = student.Training;
        bool teacherWasTraining = teacher?.Training ?? false;
        try
        {
            torch.manual_seed(Options.Seed);
            student.Training = true;
            if (teacher != null) teacher.Training = false;
            return Run(student, teacher, stream, schedule, LargestLabel(data, stream.SampleCount), progress, cancellationToken, hook);
        }
        finally
        {
            student.Training = studentWasTraining;
            if (teacher != null) teacher.Training = teacherWasTraining;
        }
    }

    /// <summary>The optimizer steps a whole run over <paramref name="data"/> takes (every epoch, without the short last batch training drops).</summary>
    public long TotalSteps(LabeledDataset data) => (long)Options.Epochs * CreateBatchStream(data).BatchCount;

    private BatchStream CreateBatchStream(LabeledDataset data)
    {
        int samples = Math.Min(data.Count, Options.SampleLimit ?? int.MaxValue);
        return new BatchStream(data, new BatchOptions(Options.BatchSize)
        {
            ShuffleSeed = Options.Seed,
            Limit = Options.SampleLimit,
            // A short last batch gives noisy BatchNormalization statistics and an over-weighted step;
            // drop it, unless the data is smaller than one batch and it is all there is.
            DropLast = samples >= Options.BatchSize,
        });
    }

    private TrainingResult Run(GraphExecutor student, GraphExecutor? teacher, BatchStream stream, LearningRateSchedule schedule,
        long largestLabel, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken, ITrainingHook? hook)
    {
        var device = student.Device;
        var studentProbabilities = OutputsProbabilities(student);
        var teacherProbabilities = teacher != null && OutputsProbabilities(teacher);
        var epochs = new List<EpochSummary>(Options.Epochs);
        using var optimizer = OptimizerFactory.Create(Options, student.Parameters);
        // The method's variables get their own optimizer, so the weights' schedule never moves their rate.
        using var hookOptimizer = hook is { Parameters.Count: > 0 } ? optim.Adam(hook.Parameters, hook.LearningRate) : null;
        using var batchTensors = new BatchTensors();
        // Sums over the epoch, kept on the device so a step never waits for a read; the loss in
        // float64 so thousands of per-batch additions do not round away.
        using var lossSum = torch.zeros(1, ScalarType.Float64, device).DetachFromDisposeScope();
        using var correctSum = torch.zeros(1, ScalarType.Int64, device).DetachFromDisposeScope();
        var clock = Stopwatch.StartNew();
        int globalStep = 0;
        long images = 0;
        double appliedRate = Options.LearningRate;
        // This call's share of the whole run's steps (all of them unless iterative pruning splits it).
        var (segmentStart, segmentEnd) = SegmentSteps(schedule.TotalSteps);

        for (int epoch = 1; epoch <= Options.Epochs && globalStep < segmentEnd; epoch++)
        {
            if (globalStep + stream.BatchCount <= segmentStart)
            {
                globalStep += stream.BatchCount; // an epoch wholly before this segment
                continue;
            }
            lossSum.zero_();
            correctSum.zero_();
            long epochSamples = 0;
            int step = 0, firstUnreadStep = 1;
            double rate = schedule.RateAt(globalStep);
            foreach (var batch in stream.Epoch(epoch - 1))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (globalStep < segmentStart)
                {
                    // Earlier segments trained on these batches; the order of the rest stays the whole run's.
                    globalStep++;
                    step++;
                    firstUnreadStep = step + 1;
                    continue;
                }
                if (globalStep >= segmentEnd) break;
                rate = schedule.RateAt(globalStep);
                if (rate != appliedRate) OptimizerFactory.SetLearningRate(optimizer, appliedRate = rate);
                using (torch.NewDisposeScope())
                {
                    var input = batchTensors.Images(batch);
                    var labels = batchTensors.Labels(batch, device);
                    optimizer.zero_grad();
                    hookOptimizer?.zero_grad();
                    var logits = ClassScores(student.Forward(input), studentProbabilities);
                    if (globalStep == 0) CheckClassScores(student, logits, largestLabel);
                    var loss = Loss(logits, labels, input, teacher, teacherProbabilities, globalStep == 0);
                    if (hook != null) loss = loss + hook.Penalty(batch.Count);
                    loss.backward();
                    optimizer.step();
                    hookOptimizer?.step();
                    using (torch.no_grad())
                    {
                        lossSum.add_(loss.detach(), alpha: batch.Count);
                        correctSum.add_(logits.argmax(1).eq(labels).sum());
                    }
                }
                step++;
                globalStep++;
                epochSamples += batch.Count;
                if (step % Options.ProgressInterval == 0 && step < stream.BatchCount)
                {
                    var running = ReadMeanLoss(lossSum, epochSamples, epoch, firstUnreadStep, step, rate);
                    firstUnreadStep = step + 1;
                    progress?.Report(new TrainingProgress(epoch, Options.Epochs, step, stream.BatchCount, running, rate));
                }
            }
            if (epochSamples == 0) break; // a segment too short to reach this epoch
            var meanLoss = ReadMeanLoss(lossSum, epochSamples, epoch, firstUnreadStep, step, rate);
            var accuracy = (double)correctSum.item<long>() / epochSamples;
            images += epochSamples;
            epochs.Add(new EpochSummary(epoch, meanLoss, accuracy, rate));
            progress?.Report(new TrainingProgress(epoch, Options.Epochs, step, stream.BatchCount, meanLoss, rate));
        }
        clock.Stop();
        return new TrainingResult(epochs, globalStep - segmentStart, images, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The [start, end) range of global steps <see cref="FineTuneOptions.Segment"/> selects.</summary>
    private (int Start, int End) SegmentSteps(int totalSteps)
    {
        var (from, to) = Options.Segment;
        return ((int)Math.Round(totalSteps * from), (int)Math.Round(totalSteps * to));
    }

    private Tensor Loss(Tensor logits, Tensor labels, Tensor input, GraphExecutor? teacher, bool teacherProbabilities, bool firstStep)
    {
        if (teacher == null) return torch.nn.functional.cross_entropy(logits, labels);
        Tensor teacherLogits;
        using (torch.no_grad()) teacherLogits = ClassScores(teacher.Forward(input), teacherProbabilities);
        if (teacherLogits.device != logits.device) teacherLogits = teacherLogits.to(logits.device);
        if (firstStep && !teacherLogits.shape.SequenceEqual(logits.shape))
            throw new InfoPruneException(TrainingErrors.TeacherMismatch,
                $"the distillation teacher outputs shape {Shape(teacherLogits)} but the model being trained outputs {Shape(logits)}; " +
                "the teacher must be the same classifier before pruning");
        return DistillationLoss.Combined(logits, labels, teacherLogits, Options.DistillWeight, Options.DistillTemperature);
    }

    /// <summary>
    /// True when the model's first output is a Softmax over the classes: models exported for
    /// deployment often end in one. Cross-entropy then needs the log of those probabilities — the
    /// logits up to a per-sample constant, which neither cross-entropy nor the distillation
    /// softmax sees — not the probabilities themselves, whose gradients are far too flat.
    /// </summary>
    private static bool OutputsProbabilities(GraphExecutor executor)
    {
        var graph = executor.Model.Graph;
        if (graph.Outputs.Count == 0 || graph.Producer(graph.Outputs[0].Name) is not { } last) return false;
        return executor.Registry.Find(last)?.SoftmaxAxis(last) is 1 or -1;
    }

    /// <summary>Log-probabilities for a Softmax output (clamped so a probability that underflowed to 0 stays finite), else the output as it is.</summary>
    private static Tensor ClassScores(Tensor output, bool probabilities) =>
        probabilities ? output.clamp_min(1e-30).log() : output;

    /// <summary>Reads the mean loss per sample so far, and stops the run if it is no longer a number.</summary>
    private double ReadMeanLoss(Tensor lossSum, long samples, int epoch, int fromStep, int toStep, double rate)
    {
        double mean = lossSum.item<double>() / Math.Max(samples, 1);
        if (double.IsFinite(mean)) return mean;
        string steps = fromStep >= toStep ? $"step {toStep}" : $"steps {fromStep}-{toStep}";
        throw new InfoPruneException(TrainingErrors.LossNotFinite,
            $"the training loss became {(double.IsNaN(mean) ? "NaN" : "infinite")} in epoch {epoch}, {steps} " +
            $"(learning rate {rate:G4}): the weights diverged; lower the learning rate (fineTune.optimizer.lr is " +
            $"{Options.LearningRate:G4}; try {Options.LearningRate / 10:G4})");
    }

    private static void CheckClassScores(GraphExecutor student, Tensor logits, long largestLabel)
    {
        var output = student.OutputNames.Count > 0 ? student.OutputNames[0] : "output";
        if (logits.dim() != 2 || !logits.is_floating_point())
            throw new InfoPruneException(TrainingErrors.OutputNotClassScores,
                $"the model's output '{output}' has shape {Shape(logits)} ({logits.dtype}); fine-tuning trains a classifier " +
                "whose first output is float class scores of shape [batch, classes]",
                student.Model.SourcePath);
        long classes = logits.shape[1];
        if (largestLabel >= classes)
            throw new InfoPruneException(TrainingErrors.LabelBeyondOutputs,
                $"the training data has label {largestLabel}, but the model's output '{output}' scores {classes} classes (labels 0..{classes - 1})",
                student.Model.SourcePath);
    }

    private static long LargestLabel(LabeledDataset data, int sampleCount)
    {
        long largest = 0;
        foreach (var label in data.Labels[..sampleCount]) largest = Math.Max(largest, label);
        return largest;
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
