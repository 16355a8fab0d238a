using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Information;
using System.Numerics;
using System.Runtime.CompilerServices;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static LayerGrams Build(ReadOnlySpan<float> maps, int samples, int channels, int entries, double? sigma)
    {
        foreach (var v in maps)
            if (!float.IsFinite(v))
                throw new InfoPruneException(InformationErrors.NonFiniteActivation, "Gram matrices need finite activations (found NaN or infinity).");
        int n = samples, d = entries;
        var distances = new double[channels][];
        double totalVariance = 0;
        var x = new double[n * d];
        for (var c = 0; c < channels; c++)
        {
            // The channel's maps as [n × d] doubles, centred (distances do not change; variances need the mean).
            for (var i = 0; i < n; i++)
                for (var f = 0; f < d; f++) x[i * d + f] = maps[(i * channels + c) * d + f];
            for (var f = 0; f < d; f++)
            {
                double mean = 0;
                for (var i = 0; i < n; i++) mean += x[i * d + f];
                mean /= n;
                double squares = 0;
                for (var i = 0; i < n; i++) { x[i * d + f] -= mean; squares += x[i * d + f] * x[i * d + f]; }
                totalVariance += squares / n;
            }
            var squared = new double[n * n];
            for (var i = 0; i < n; i++)
            {
                var xi = new ReadOnlySpan<double>(x, i * d, d);
                for (var j = i + 1; j < n; j++)
                {
                    var value = SquaredDistance(xi, new ReadOnlySpan<double>(x, j * d, d));
                    squared[i * n + j] = value;
                    squared[j * n + i] = value;
                }
            }
            distances[c] = squared;
        }
        // σ = h · n^(−1/(4+d)) with h = √(Σ variances) of the layer's representation; a constant
        // layer (h = 0) gets h = 1, where every width gives the same all-ones Gram.
        double width = sigma ?? KernelWidth.Silverman(n, channels * d, totalVariance > 0 ? Math.Sqrt(totalVariance) : 1.0);
        var scale = -1.0 / (2 * width * width);
        foreach (var squared in distances)
            for (var i = 0; i < squared.Length; i++) squared[i] = Math.Exp(squared[i] * scale);
        return new LayerGrams(distances, n, width);
    }

    private static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var width = Vector<double>.Count;
        var sum = Vector<double>.Zero;
        var i = 0;
        for (; i <= a.Length - width; i += width)
        {
            var diff = new Vector<double>(a.Slice(i, width)) - new Vector<double>(b.Slice(i, width));
            sum += diff * diff;
        }
        var total = Vector.Sum(sum);
        for (; i < a.Length; i++) { var diff = a[i] - b[i]; total += diff * diff; }
        return total;
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
