using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Information;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Methods.Cmi;

/// <summary>
/// The RBF Gram matrix of every channel of one layer over the same N samples, K_c(i, j) =
/// exp(−‖x_i − x_j‖² / 2σ²) with x the channel's whole map. All channels of a layer share one σ:
/// the Hadamard product of any subset is then the RBF Gram of the subset's concatenated maps, and
/// the product of all of them that of the layer itself, so adding channels never changes the
/// scale the others were measured at.
/// </summary>
internal sealed class LayerGrams
{
    private LayerGrams(double[][] channels, int samples, double sigma)
    {
        Channels = channels;
        Samples = samples;
        Sigma = sigma;
    }

    /// <summary>Per channel, its [N × N] Gram matrix, row-major.</summary>
    public double[][] Channels { get; }

    /// <summary>N.</summary>
    public int Samples { get; }

    /// <summary>The width used.</summary>
    public double Sigma { get; }

    /// <summary>
    /// Grams of maps laid out [samples × channels × entries]. Without <paramref name="sigma"/>, the
    /// width is Silverman's rule on the layer's whole representation (d = channels × entries) with
    /// its total standard deviation √(Σ variances) as scale: squared distances between samples
    /// grow with d, and the per-entry deviation would make every Gram of a 1024-entry map the
    /// identity (each channel then "knows" every sample and all CMI values vanish).
    /// </summary>
    public static LayerGrams Build(ReadOnlySpan<float> maps, int samples, int channels, int entries, double? sigma)
    {
        foreach (var v in maps)
            if (!float.IsFinite(v))
                throw new InfoPruneException(InformationErrors.NonFiniteActivation, "Gram matrices need finite activations (found NaN or infinity).");
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = torch.tensor(maps.ToArray(), new long[] { samples, channels, entries }).to_type(ScalarType.Float64).permute(1, 0, 2).contiguous();
        double width = sigma ?? SilvermanWidth(x, samples, channels * entries);
        var squares = x.square().sum(2);
        var products = torch.bmm(x, x.transpose(1, 2));
        var distances = (squares.unsqueeze(2) + squares.unsqueeze(1) - 2 * products).clamp_min(0);
        // Rounding leaves bmm a few ulps from symmetric; Gram matrices must be exactly symmetric.
        distances = (distances + distances.transpose(1, 2)) / 2;
        var grams = (distances * (-1.0 / (2 * width * width))).exp();
        var eye = torch.eye(samples, dtype: ScalarType.Float64).unsqueeze(0).to_type(ScalarType.Bool);
        grams = grams.masked_fill(eye, 1.0).contiguous();
        var all = grams.data<double>().ToArray();
        var result = new double[channels][];
        var size = samples * samples;
        for (var c = 0; c < channels; c++) result[c] = all.AsSpan(c * size, size).ToArray();
        return new LayerGrams(result, samples, width);
    }

    /// <summary>
    /// σ = h · n^(−1/(4+d)) with h = √(Σ variances) of the layer's representation; a constant
    /// layer (h = 0) gets h = 1, where every width gives the same all-ones Gram.
    /// </summary>
    private static double SilvermanWidth(Tensor x, int samples, int dimensions)
    {
        var total = x.var(1, unbiased: false).sum().item<double>();
        var h = total > 0 ? Math.Sqrt(total) : 1.0;
        return KernelWidth.Silverman(samples, dimensions, h);
    }

    /// <summary>The Hadamard product of the Grams of <paramref name="chosen"/> (all ones when none).</summary>
    public double[] Product(IEnumerable<int> chosen)
    {
        var product = new double[Samples * Samples];
        Array.Fill(product, 1.0);
        foreach (var c in chosen)
        {
            var k = Channels[c];
            for (var i = 0; i < product.Length; i++) product[i] *= k[i];
        }
        return product;
    }
}
