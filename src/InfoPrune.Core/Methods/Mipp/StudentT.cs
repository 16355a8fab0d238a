namespace InfoPrune.Core.Methods.Mipp;

/// <summary>
/// Student's t distribution, for MIPP's confidence bound over a handful of repeated loss
/// estimates (few repeats: the normal quantile would be far too narrow).
/// </summary>
internal static class StudentT
{
    /// <summary>P(T ≤ <paramref name="t"/>) with <paramref name="degrees"/> degrees of freedom.</summary>
    public static double Cdf(double t, int degrees)
    {
        var x = degrees / (degrees + t * t);
        var tail = 0.5 * RegularizedBeta(x, degrees / 2.0, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>The t with P(T ≤ t) = <paramref name="p"/>, by bisection on the CDF (exact to 1e-10).</summary>
    public static double Quantile(double p, int degrees)
    {
        if (p <= 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "a probability strictly between 0 and 1");
        if (p < 0.5) return -Quantile(1 - p, degrees);
        double low = 0, high = 1;
        while (Cdf(high, degrees) < p) high *= 2;
        for (var i = 0; i < 200 && high - low > 1e-10; i++)
        {
            var mid = (low + high) / 2;
            if (Cdf(mid, degrees) < p) low = mid; else high = mid;
        }
        return (low + high) / 2;
    }

    /// <summary>I_x(a, b), by the continued fraction on whichever side converges fast.</summary>
    private static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * BetaFraction(x, a, b) / a
            : 1 - front * BetaFraction(1 - x, b, a) / b;
    }

    // Modified Lentz evaluation of the incomplete beta continued fraction.
    private static double BetaFraction(double x, double a, double b)
    {
        const double Tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
        var result = d;
        for (var m = 1; m <= 300; m++)
        {
            var even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + even * d; d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = 1 + even / c; if (Math.Abs(c) < Tiny) c = Tiny;
            result *= d * c;
            var odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + odd * d; d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = 1 + odd / c; if (Math.Abs(c) < Tiny) c = Tiny;
            var step = d * c;
            result *= step;
            if (Math.Abs(step - 1) < 1e-15) break;
        }
        return result;
    }

    // Lanczos approximation (g = 7, 9 terms), accurate to ~1e-15 for positive arguments.
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    private static double LogGamma(double z)
    {
        if (z < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * z))) - LogGamma(1 - z);
        z -= 1;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++) sum += Lanczos[i] / (z + i);
        var t = z + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (z + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
