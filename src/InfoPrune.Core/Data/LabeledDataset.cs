using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Data;

/// <summary>
/// Images and their labels, checked against each other and against the model, with preprocessing
/// applied as samples are read. Images stay compact (stored bytes, possibly mapped from the file);
/// labels are loaded whole (8 bytes per sample). Reading is thread-safe.
/// </summary>
public sealed class LabeledDataset : IDisposable
{
    private readonly long[] _labels;
    private readonly SampleConverter _converter;

    private LabeledDataset(SampleArray images, string labelsFile, long[] labels, IReadOnlyList<int> sampleShape,
        Preprocessing preprocessing, SampleConverter converter, int? classCount)
    {
        Images = images;
        LabelsFile = labelsFile;
        _labels = labels;
        SampleShape = sampleShape;
        SampleLength = images.SampleLength;
        Preprocessing = preprocessing;
        _converter = converter;
        ClassCount = classCount;
    }

    /// <summary>The images as stored.</summary>
    public SampleArray Images { get; }

    /// <summary>The file the labels came from.</summary>
    public string LabelsFile { get; }

    /// <summary>Number of samples.</summary>
    public int Count => _labels.Length;

    /// <summary>The shape of one sample as the model takes it (without the batch axis).</summary>
    public IReadOnlyList<int> SampleShape { get; }

    /// <summary>Values per sample.</summary>
    public int SampleLength { get; }

    /// <summary>The preprocessing applied to every sample read.</summary>
    public Preprocessing Preprocessing { get; }

    /// <summary>The class count the labels were checked against, if one was given.</summary>
    public int? ClassCount { get; }

    /// <summary>Every label, in file order.</summary>
    public ReadOnlySpan<long> Labels => _labels;

    /// <summary>
    /// Opens an images file and a labels file (IDX, NPY or NPZ, recognized by content) and checks
    /// them: formats and sizes, one integer label per image, labels below
    /// <see cref="DatasetOptions.ClassCount"/>, images that fit <see cref="Preprocessing.SampleShape"/>.
    /// </summary>
    /// <exception cref="InfoPruneException">Every problem found in either file, each naming its file.</exception>
    public static LabeledDataset Open(string imagesPath, string labelsPath, DatasetOptions? options = null)
    {
        options ??= DatasetOptions.Default;
        var problems = new DiagnosticBag();
        // Open both before reporting, so a user fixing the data sees the problems of both files at once.
        var (imagesArray, labelsArray) = NpzPairing.Resolve(imagesPath, labelsPath, options.ImagesArrayName, options.LabelsArrayName);
        var images = TryOpen(imagesPath, imagesArray, options.StreamAboveBytes, problems);
        var labels = TryOpen(labelsPath, labelsArray, options.StreamAboveBytes, problems);
        if (images == null || labels == null)
        {
            images?.Dispose();
            labels?.Dispose();
            problems.ThrowIfErrors();
        }
        return Create(images!, labels!, options);
    }

    /// <summary>
    /// Pairs arrays already read (or built with <see cref="SampleArray.FromValues{T}"/>) and checks
    /// them as <see cref="Open"/> does. Takes ownership of both arrays, also when it throws.
    /// </summary>
    /// <exception cref="InfoPruneException">Every problem found, each naming its file.</exception>
    public static LabeledDataset Create(SampleArray images, SampleArray labels, DatasetOptions? options = null)
    {
        options ??= DatasetOptions.Default;
        try
        {
            if (options.ClassCount is <= 0)
                throw new ArgumentOutOfRangeException(nameof(options), options.ClassCount, "ClassCount must be positive");
            var problems = new DiagnosticBag();
            // Reading one array as both would only add confusing follow-up errors: report that alone.
            CheckNotSameArray(images, labels, problems);
            problems.ThrowIfErrors();
            CheckImages(images, problems);
            bool labelsUsable = CheckLabelsKind(labels, problems);
            if (images.Count != labels.Count && images.Count > 0 && labels.Count > 0)
                problems.Add(images.Problem(DataErrors.CountMismatch,
                    $"the images file has {images.Count} samples but the labels file '{labels.File}' has {labels.Count} labels"));

            var preprocessing = options.Preprocessing;
            var sampleShape = ResolveSampleShape(images, preprocessing.SampleShape, problems);
            var converter = sampleShape == null ? null : CreateConverter(images, preprocessing, sampleShape, problems);
            var labelValues = labelsUsable ? labels.ReadAllAsInt64() : [];
            if (labelsUsable) CheckLabelRange(labels, labelValues, options.ClassCount, problems);

            problems.ThrowIfErrors();
            labels.Dispose();
            return new LabeledDataset(images, labels.File, labelValues, sampleShape!, preprocessing, converter!, options.ClassCount);
        }
        catch
        {
            images.Dispose();
            labels.Dispose();
            throw;
        }
    }

    /// <summary>Reads image <paramref name="index"/>, preprocessed, into <paramref name="destination"/> (at least <see cref="SampleLength"/> values).</summary>
    public void ReadImage(int index, Span<float> destination)
    {
        if (destination.Length < SampleLength)
            throw new ArgumentException($"destination holds {destination.Length} values, a sample has {SampleLength}", nameof(destination));
        _converter.Convert(Images.RawSample(index), destination[..SampleLength]);
    }

    /// <summary>
    /// Reads the samples at <paramref name="indices"/>, preprocessed, one after another into
    /// <paramref name="images"/> (NCHW) and their labels into <paramref name="labels"/>. The buffers
    /// may be larger than needed, so one pair can serve every batch; nothing is allocated.
    /// </summary>
    public void ReadSamples(ReadOnlySpan<int> indices, Span<float> images, Span<long> labels)
    {
        if (images.Length < (long)indices.Length * SampleLength)
            throw new ArgumentException($"images holds {images.Length} values, {indices.Length} samples need {(long)indices.Length * SampleLength}", nameof(images));
        if (labels.Length < indices.Length)
            throw new ArgumentException($"labels holds {labels.Length} values, {indices.Length} samples need {indices.Length}", nameof(labels));
        for (int k = 0; k < indices.Length; k++)
        {
            int index = indices[k];
            _converter.Convert(Images.RawSample(index), images.Slice(k * SampleLength, SampleLength));
            labels[k] = _labels[index];
        }
    }

    /// <summary>Releases the images file.</summary>
    public void Dispose() => Images.Dispose();

    private static SampleArray? TryOpen(string path, string? arrayName, long streamAboveBytes, DiagnosticBag problems)
    {
        try
        {
            return SampleArray.Open(path, arrayName, streamAboveBytes);
        }
        catch (InfoPruneException ex)
        {
            foreach (var diagnostic in ex.Diagnostics) problems.Add(diagnostic);
            return null;
        }
    }

    private static void CheckNotSameArray(SampleArray images, SampleArray labels, DiagnosticBag problems)
    {
        if (images.ArrayName != null && images.ArrayName == labels.ArrayName
            && Path.GetFullPath(images.File) == Path.GetFullPath(labels.File))
            problems.Error(DataErrors.AmbiguousNpzArrays,
                $"images and labels both read array '{images.ArrayName}' of this NPZ archive; name the arrays to use with the " +
                $"policy's \"imagesArray\" and \"labelsArray\" (it has {string.Join(", ", NpzReader.ArrayNames(images.File).Select(n => $"'{n}'"))})",
                images.File);
    }

    private static void CheckImages(SampleArray images, DiagnosticBag problems)
    {
        if (images.Count == 0)
            problems.Add(images.Problem(DataErrors.Empty, "the images file holds no samples"));
        if (images.SampleShape.Count == 0)
            problems.Add(images.Problem(DataErrors.WrongArrayKind,
                $"the images file holds a one-dimensional {images.Format} array of {images.Count} values, one per sample: " +
                "that is a labels file, not images"));
        else if (images.ElementType == DataElementType.Float32)
            CheckFinite(images, problems);
    }

    /// <summary>
    /// One NaN or infinity turns every output and gradient it reaches into NaN, which would show up
    /// much later as a meaningless accuracy or a diverging fine-tune: refuse it here, at its sample.
    /// </summary>
    private static void CheckFinite(SampleArray images, DiagnosticBag problems)
    {
        var buffer = new float[images.SampleLength];
        int bad = 0, firstSample = -1, firstValue = -1;
        float firstBad = 0;
        for (int i = 0; i < images.Count; i++)
        {
            images.CopySample(i, buffer);
            int at = Array.FindIndex(buffer, v => !float.IsFinite(v));
            if (at < 0) continue;
            if (bad++ == 0) (firstSample, firstValue, firstBad) = (i, at, buffer[at]);
        }
        if (bad == 0) return;
        problems.Add(images.Problem(DataErrors.NonFiniteValues,
            $"{bad} of {images.Count} samples hold NaN or infinity; the first is sample {firstSample} (value {firstValue} of the sample is {firstBad}): " +
            "clean or drop those samples"));
    }

    private static bool CheckLabelsKind(SampleArray labels, DiagnosticBag problems)
    {
        if (labels.SampleLength != 1)
        {
            problems.Add(labels.Problem(DataErrors.WrongArrayKind,
                $"the labels file holds {labels.SampleLength} values per sample (shape {ShapeText.Of(labels.SampleShape.Prepend(labels.Count))}); " +
                "labels need one integer per sample, shape [N]: is this an images file?"));
            return false;
        }
        if (!labels.ElementType.IsInteger())
        {
            problems.Add(labels.Problem(DataErrors.WrongArrayKind,
                $"the labels are {labels.ElementType.DisplayName()}; labels must be integers (uint8, int32 or int64)"));
            return false;
        }
        if (labels.Count == 0)
        {
            problems.Add(labels.Problem(DataErrors.Empty, "the labels file holds no labels"));
            return false;
        }
        return true;
    }

    private static IReadOnlyList<int>? ResolveSampleShape(SampleArray images, IReadOnlyList<int>? wanted, DiagnosticBag problems)
    {
        var stored = images.SampleShape;
        if (wanted == null) return stored.ToArray();
        long wantedLength = wanted.Aggregate(1L, (product, d) => product * d);
        if (wanted.Count == 0 || wanted.Any(d => d <= 0))
        {
            problems.Add(images.Problem(DataErrors.SampleShapeMismatch,
                $"the model's sample shape {ShapeText.Of(wanted)} must have positive dimensions"));
            return null;
        }
        if (wantedLength != images.SampleLength)
        {
            problems.Add(images.Problem(DataErrors.SampleShapeMismatch,
                $"the images are {ShapeText.Of(stored)} ({images.SampleLength} values per sample), " +
                $"but the model takes {ShapeText.Of(wanted)} ({wantedLength} values per sample)"));
            return null;
        }
        // [H, W, C] → [C, H, W] has the right count but reshaping would interleave the channels.
        if (stored.Count == 3 && wanted.Count == 3 && !stored.SequenceEqual(wanted)
            && stored[2] == wanted[0] && stored[0] == wanted[1] && stored[1] == wanted[2])
        {
            problems.Add(images.Problem(DataErrors.SampleShapeMismatch,
                $"the images are {ShapeText.Of(stored)}, channels-last (H, W, C), but the model takes {ShapeText.Of(wanted)}, " +
                "channels-first (C, H, W); reshaping would mix the channels, so transpose the data first " +
                "(numpy.transpose(x, (0, 3, 1, 2)))"));
            return null;
        }
        return wanted.ToArray();
    }

    private static SampleConverter? CreateConverter(SampleArray images, Preprocessing preprocessing, IReadOnlyList<int> sampleShape, DiagnosticBag problems)
    {
        int channels = sampleShape.Count >= 3 ? sampleShape[0] : 1;
        double scale = preprocessing.ScaleFor(images.ElementType);
        var mean = preprocessing.Mean ?? [0.0];
        var std = preprocessing.Std ?? [1.0];
        int before = problems.Items.Count;
        if (!double.IsFinite(scale))
            problems.Add(images.Problem(DataErrors.BadPreprocessing, $"the scale {scale} is not a finite number"));
        CheckPerChannel("mean", mean, channels, sampleShape, images, problems, mustBePositive: false);
        CheckPerChannel("std", std, channels, sampleShape, images, problems, mustBePositive: true);
        return problems.Items.Count > before ? null : new SampleConverter(images.ElementType, scale, mean, std, channels);
    }

    private static void CheckPerChannel(string name, IReadOnlyList<double> values, int channels, IReadOnlyList<int> sampleShape,
        SampleArray images, DiagnosticBag problems, bool mustBePositive)
    {
        if (values.Count != 1 && values.Count != channels)
            problems.Add(images.Problem(DataErrors.BadPreprocessing,
                $"the preprocessing {name} has {values.Count} values, but the samples {ShapeText.Of(sampleShape)} have {channels} " +
                $"channel{(channels == 1 ? "" : "s")}: give {(channels == 1 ? "1 value" : $"1 value or {channels}")}"));
        for (int c = 0; c < values.Count; c++)
        {
            if (!double.IsFinite(values[c]) || (mustBePositive && values[c] <= 0))
                problems.Add(images.Problem(DataErrors.BadPreprocessing,
                    $"the preprocessing {name}[{c}] is {values[c]}; it must be {(mustBePositive ? "a positive" : "a finite")} number"));
        }
    }

    private static void CheckLabelRange(SampleArray labels, long[] values, int? classCount, DiagnosticBag problems)
    {
        long upper = classCount ?? long.MaxValue;
        int outside = 0, firstIndex = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] >= 0 && values[i] < upper) continue;
            if (outside++ == 0) firstIndex = i;
        }
        if (outside == 0) return;
        string range = classCount is { } n ? $"0..{n - 1} (the model has {n} classes)" : "0 or more";
        problems.Add(labels.Problem(DataErrors.LabelOutOfRange,
            $"{outside} of {values.Length} labels are outside {range}; the first is label {values[firstIndex]} at index {firstIndex}"));
    }
}
