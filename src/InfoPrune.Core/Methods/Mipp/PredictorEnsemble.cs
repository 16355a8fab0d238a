using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InfoPrune.Core.Methods.Mipp;

/// <summary>
/// Several small MLPs trained side by side as one batched model (weights [members, in, out],
/// multiplied with <c>matmul</c>), so that MIPP's repeats — or one single-unit predictor per unit —
/// cost one set of matrix products per step. Each member sees the same mini-batches; members
/// differ by their seeded initialisation (and, for single-unit predictors, by their input column).
/// Initialisation and batch order come from managed seeded generators: same seed, same numbers.
/// </summary>
internal sealed class PredictorEnsemble : IDisposable
{
    private readonly Parameter[] _weights;
    private readonly Parameter[] _biases;

    /// <param name="members">Models trained side by side.</param>
    /// <param name="inputs">Inputs per member.</param>
    /// <param name="hidden">Hidden widths (ReLU after each).</param>
    /// <param name="outputs">Outputs per member (linear).</param>
    /// <param name="seed">Seed of the initialisation.</param>
    public PredictorEnsemble(int members, int inputs, IReadOnlyList<int> hidden, int outputs, int seed)
    {
        Members = members;
        var widths = new[] { inputs }.Concat(hidden).Append(outputs).ToArray();
        _weights = new Parameter[widths.Length - 1];
        _biases = new Parameter[widths.Length - 1];
        var random = new Random(seed);
        for (var layer = 0; layer < _weights.Length; layer++)
        {
            var (fanIn, fanOut) = (widths[layer], widths[layer + 1]);
            // PyTorch's Linear default: U(-1/√fanIn, 1/√fanIn) for weights and biases.
            var bound = 1 / Math.Sqrt(fanIn);
            float Draw() => (float)((random.NextDouble() * 2 - 1) * bound);
            var w = new float[members * fanIn * fanOut];
            for (var i = 0; i < w.Length; i++) w[i] = Draw();
            var b = new float[members * fanOut];
            for (var i = 0; i < b.Length; i++) b[i] = Draw();
            _weights[layer] = new Parameter(torch.tensor(w, new long[] { members, fanIn, fanOut }).DetachFromDisposeScope());
            _biases[layer] = new Parameter(torch.tensor(b, new long[] { members, 1, fanOut }).DetachFromDisposeScope());
        }
    }

    public int Members { get; }

    /// <summary>[members or 1, B, in] → [members, B, out].</summary>
    public Tensor Forward(Tensor x)
    {
        var h = x;
        for (var layer = 0; layer < _weights.Length; layer++)
        {
            h = torch.matmul(h, _weights[layer]).add(_biases[layer]);
            if (layer < _weights.Length - 1) h = h.relu();
        }
        return h;
    }

    /// <summary>Mean squared error per member on all of <paramref name="x"/> [members or 1, N, in] against <paramref name="y"/> [members or 1, N, out].</summary>
    public double[] Loss(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var error = Forward(x).sub(y).square().mean(new long[] { 1, 2 });
        return error.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <summary>
    /// Adam on mini-batches of <paramref name="x"/> [members or 1, N, in] against <paramref name="y"/>
    /// [members or 1, N, out], for at most <paramref name="steps"/> steps; every
    /// <paramref name="checkEvery"/> steps <paramref name="done"/> may end training early (a
    /// recovered loss needs no more steps). When both hold one set of rows per member, each member
    /// draws its own mini-batches from its own rows; otherwise all draw the same rows.
    /// </summary>
    /// <returns>The steps taken.</returns>
    public int Train(Tensor x, Tensor y, int steps, int batchSize, double learningRate, Random batches,
        CancellationToken cancellation, int checkEvery = 0, Func<bool>? done = null)
    {
        var samples = (int)y.shape[1];
        var batch = Math.Min(batchSize, samples);
        var perMember = x.shape[0] == Members && y.shape[0] == Members && Members > 1;
        var parameters = _weights.Concat(_biases).ToArray();
        // Adam written out (β 0.9/0.999, ε 1e-8) with its moments owned here: every tensor and scalar
        // a step makes lives in that step's DisposeScope, whatever else runs on other threads.
        var firstMoments = parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToArray();
        var secondMoments = parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToArray();
        try
        {
            var indices = new long[(perMember ? Members : 1) * batch];
            for (var step = 1; step <= steps; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                using (NewDisposeScope())
                {
                    for (var i = 0; i < indices.Length; i++) indices[i] = batches.Next(samples) + (perMember ? i / batch * (long)samples : 0);
                    var index = torch.tensor(indices);
                    var loss = Forward(Rows(x, index, batch)).sub(Rows(y, index, batch)).square().mean(new long[] { 1, 2 }).sum();
                    foreach (var p in parameters) p.grad?.zero_();
                    loss.backward();
                    using var noGrad = torch.no_grad();
                    var correction1 = 1 - Math.Pow(0.9, step);
                    var correction2 = 1 - Math.Pow(0.999, step);
                    for (var k = 0; k < parameters.Length; k++)
                    {
                        var grad = parameters[k].grad!;
                        firstMoments[k].mul_(0.9).add_(grad, alpha: 0.1);
                        secondMoments[k].mul_(0.999).addcmul_(grad, grad, value: 0.001);
                        var denominator = secondMoments[k].div(correction2).sqrt_().add_(1e-8);
                        parameters[k].addcdiv_(firstMoments[k], denominator, value: -learningRate / correction1);
                    }
                }
                if (done != null && checkEvery > 0 && step % checkEvery == 0 && done()) return step;
            }
        }
        finally
        {
            foreach (var t in firstMoments.Concat(secondMoments)) t.Dispose();
        }
        return steps;
    }

    /// <summary>The mini-batch rows of <paramref name="t"/>: shared rows from a [1, N, …] tensor, or each member's own (flat indices into [members·N, …]).</summary>
    private static Tensor Rows(Tensor t, Tensor index, int batch) =>
        t.shape[0] == 1 || index.shape[0] == batch
            ? t.index_select(1, index.narrow(0, 0, batch))
            : t.reshape(t.shape[0] * t.shape[1], t.shape[2]).index_select(0, index).reshape(t.shape[0], batch, t.shape[2]);

    /// <summary>A copy of every weight, to return to with <see cref="Restore"/>.</summary>
    public Tensor[] Snapshot()
    {
        using var noGrad = torch.no_grad();
        return _weights.Concat(_biases).Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Puts back the weights of <paramref name="snapshot"/> (and disposes it).</summary>
    public void Restore(Tensor[] snapshot)
    {
        using var noGrad = torch.no_grad();
        var all = _weights.Concat(_biases).ToArray();
        for (var i = 0; i < all.Length; i++) all[i].copy_(snapshot[i]);
        foreach (var t in snapshot) t.Dispose();
    }

    public void Dispose()
    {
        foreach (var p in _weights.Concat(_biases)) p.Dispose();
    }
}
