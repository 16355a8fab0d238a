using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Ops;

/// <summary>
/// Resize (opset 11+): nearest, linear (n-linear) and cubic interpolation, with every
/// coordinate_transformation_mode and nearest_mode; the target comes from <c>scales</c> or
/// <c>sizes</c> (opset 18: for the listed <c>axes</c>). Opset 18's antialias and
/// keep_aspect_ratio_policy other than stretch are not supported.
/// </summary>
/// <remarks>
/// Interpolation is separable, so each resized axis is done in turn: for every output position
/// the source coordinate, then 1 (nearest), 2 (linear) or 4 (cubic) source indices clamped to the
/// edge with their weights; the result is a weighted sum of index_select's, differentiable.
/// </remarks>
public sealed class ResizeOp : IOpFamily, IChannelRule
{
    public IReadOnlyCollection<string> OpTypes { get; } = new[] { "Resize" };
    public (long Min, long Max) Opsets => (11, 22);

    /// <summary>Resizing spatial axes keeps channels; resizing the batch or channel axis freezes them.</summary>
    public void Propagate(OnnxNode node, ChannelFlow flow) => ChannelRules.KeepLeadingAxes(node, flow);

    private sealed record Settings(string Mode, string Transform, string Nearest, double CubicA, bool ExcludeOutside, double Extrapolation);

    public INodeKernel Compile(OnnxNode node, CompileContext context)
    {
        var settings = new Settings(
            node.GetString("mode", "nearest"),
            node.GetString("coordinate_transformation_mode", "half_pixel"),
            node.GetString("nearest_mode", "round_prefer_floor"),
            node.GetFloat("cubic_coeff_a", -0.75f),
            node.GetInt("exclude_outside", 0) != 0,
            node.GetFloat("extrapolation_value", 0f));
        if (settings.Mode is not ("nearest" or "linear" or "cubic")) context.BadAttribute(node, $"mode '{settings.Mode}' is not nearest, linear or cubic");
        if (settings.Transform is not ("half_pixel" or "pytorch_half_pixel" or "align_corners" or "asymmetric" or "tf_half_pixel_for_nn" or "tf_crop_and_resize" or "half_pixel_symmetric"))
            context.BadAttribute(node, $"coordinate_transformation_mode '{settings.Transform}' is not supported");
        if (settings.Transform == "half_pixel_symmetric") context.Unsupported(node, null, "coordinate_transformation_mode 'half_pixel_symmetric' is not supported");
        if (settings.Nearest is not ("round_prefer_floor" or "round_prefer_ceil" or "floor" or "ceil"))
            context.BadAttribute(node, $"nearest_mode '{settings.Nearest}' is not supported");
        if (node.GetInt("antialias", 0) != 0) context.Unsupported(node, null, "antialias=1 is not supported");
        if (node.GetString("keep_aspect_ratio_policy", "stretch") != "stretch") context.Unsupported(node, null, "keep_aspect_ratio_policy other than stretch is not supported");
        var axesAttribute = node.GetInts("axes")?.ToArray();
        var roi = KnownInputs.Constant(node, 1, context)?.ToFloatArray();
        var roiAtRun = roi == null && node.HasInput(1);
        var scales = KnownInputs.Constant(node, 2, context)?.ToFloatArray();
        var scalesAtRun = scales == null && node.HasInput(2);
        var sizes = KnownInputs.Ints(node, 3, context);

        return new LambdaKernel((inputs, _) =>
        {
            var x = inputs[0]!;
            var rank = (int)x.dim();
            var axes = axesAttribute == null ? Enumerable.Range(0, rank).Select(i => (long)i).ToArray() : Axes.NormalizeAll(axesAttribute, rank, node);
            var scaleValues = scalesAtRun ? ReadFloats(inputs[2]!) : scales;
            if (scaleValues is { Length: 0 }) scaleValues = null;
            var sizeValues = sizes?.Read(inputs);
            if (sizeValues is { Length: 0 }) sizeValues = null;
            var roiValues = roiAtRun ? ReadFloats(inputs[1]!) : roi;
            if ((scaleValues == null) == (sizeValues == null)) throw Axes.Failure(node, "needs exactly one of scales and sizes");
            var count = (scaleValues?.Length ?? sizeValues!.Length);
            if (count != axes.Length) throw Axes.Failure(node, $"has {count} scales or sizes for {axes.Length} axes");

            using var scope = torch.NewDisposeScope();
            var y = x.alias();
            for (var i = 0; i < axes.Length; i++)
            {
                var axis = axes[i];
                var input = x.shape[axis];
                double start = 0, end = 1;
                if (settings.Transform == "tf_crop_and_resize" && roiValues is { Length: > 0 })
                {
                    start = roiValues[roiValues.Length == 2 * axes.Length ? i : axis];
                    end = roiValues[(roiValues.Length == 2 * axes.Length ? axes.Length : rank) + (roiValues.Length == 2 * axes.Length ? i : (int)axis)];
                }
                long output;
                double scale;
                if (sizeValues != null)
                {
                    output = sizeValues[i];
                    scale = input == 0 ? 1 : (double)output / input;
                }
                else
                {
                    scale = scaleValues![i];
                    var span = settings.Transform == "tf_crop_and_resize" ? end - start : 1;
                    output = (long)Math.Floor(input * span * scale);
                }
                if (output == input && scale == 1 && settings.Transform != "tf_crop_and_resize") continue;
                y = ResizeAxis(y, (int)axis, input, output, scale, start, end, settings);
            }
            return new[] { y.MoveToOuterDisposeScope() };
        });
    }

    private static float[] ReadFloats(Tensor t)
    {
        using var cpu = t.cpu().to_type(ScalarType.Float32).contiguous();
        return cpu.numel() == 0 ? Array.Empty<float>() : cpu.data<float>().ToArray();
    }

    private static Tensor ResizeAxis(Tensor x, int axis, long input, long output, double scale, double roiStart, double roiEnd, Settings s)
    {
        var taps = s.Mode switch { "nearest" => 1, "linear" => 2, _ => 4 };
        var indices = new long[taps][];
        var weights = new double[taps][];
        for (var k = 0; k < taps; k++) { indices[k] = new long[output]; weights[k] = new double[output]; }
        var outside = new bool[output];

        for (long o = 0; o < output; o++)
        {
            var source = s.Transform switch
            {
                "half_pixel" => (o + 0.5) / scale - 0.5,
                "pytorch_half_pixel" => output > 1 ? (o + 0.5) / scale - 0.5 : 0,
                "align_corners" => output == 1 ? 0 : o * (input - 1) / (double)(output - 1),
                "asymmetric" => o / scale,
                "tf_half_pixel_for_nn" => (o + 0.5) / scale,
                _ => output > 1
                    ? roiStart * (input - 1) + o * (roiEnd - roiStart) * (input - 1) / (output - 1)
                    : 0.5 * (roiStart + roiEnd) * (input - 1),
            };
            if (s.Transform == "tf_crop_and_resize" && (source < 0 || source > input - 1)) outside[o] = true;
            if (s.Mode == "nearest")
            {
                var floor = Math.Floor(source);
                var nearest = s.Nearest switch
                {
                    "floor" => floor,
                    "ceil" => Math.Ceiling(source),
                    "round_prefer_ceil" => source - floor == 0.5 ? floor + 1 : Math.Round(source, MidpointRounding.AwayFromZero),
                    _ => source - floor == 0.5 ? floor : Math.Round(source, MidpointRounding.AwayFromZero),
                };
                indices[0][o] = Math.Clamp((long)nearest, 0, input - 1);
                weights[0][o] = 1;
                continue;
            }
            var first = (long)Math.Floor(source);
            var t = source - first;
            var coefficients = s.Mode == "linear" ? new[] { 1 - t, t } : Cubic(t, s.CubicA);
            var offset = s.Mode == "linear" ? 0 : -1;
            double total = 0;
            for (var k = 0; k < taps; k++)
            {
                var index = first + offset + k;
                if (s.ExcludeOutside && (index < 0 || index >= input)) coefficients[k] = 0;
                total += coefficients[k];
                indices[k][o] = Math.Clamp(index, 0, input - 1);
            }
            for (var k = 0; k < taps; k++) weights[k][o] = s.ExcludeOutside && total != 0 ? coefficients[k] / total : coefficients[k];
        }

        var broadcast = Enumerable.Range(0, (int)x.dim()).Select(d => d == axis ? output : 1L).ToArray();
        Tensor? result = null;
        for (var k = 0; k < taps; k++)
        {
            var picked = x.index_select(axis, torch.tensor(indices[k], device: x.device));
            if (s.Mode == "nearest") { result = picked; break; }
            var weight = torch.tensor(weights[k], device: x.device).to_type(x.dtype).reshape(broadcast);
            result = result is null ? picked * weight : result + picked * weight;
        }
        if (s.Transform == "tf_crop_and_resize" && outside.Any(b => b))
        {
            var mask = torch.tensor(outside, device: x.device).reshape(broadcast);
            result = torch.where(mask, torch.full(1, s.Extrapolation, dtype: result!.dtype, device: x.device), result);
        }
        return result!;
    }

    /// <summary>Keys' cubic convolution weights for the taps at −1, 0, 1, 2 around a point at fraction t.</summary>
    private static double[] Cubic(double t, double a)
    {
        static double Near(double d, double a) => ((a + 2) * d - (a + 3)) * d * d + 1;          // |d| ≤ 1
        static double Far(double d, double a) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;      // 1 < |d| < 2
        return new[] { Far(1 + t, a), Near(t, a), Near(1 - t, a), Far(2 - t, a) };
    }
}
