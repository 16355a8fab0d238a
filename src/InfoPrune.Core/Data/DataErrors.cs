using InfoPrune.Core.Diagnostics;

namespace InfoPrune.Core.Data;

/// <summary>
/// Codes for problems with dataset files (IP0300-IP0399). Every diagnostic with one of these codes
/// names the file it is about and says what was expected and what was found.
/// </summary>
public static class DataErrors
{
    /// <summary>The file is not IDX, NPY or NPZ (optionally gzip-compressed): its first bytes match no known format.</summary>
    public static readonly ErrorCode UnrecognizedFormat = ErrorCode.Input(301);

    /// <summary>The header is malformed: wrong IDX magic number, unparsable NPY header, Fortran order, unknown NPY version.</summary>
    public static readonly ErrorCode BadHeader = ErrorCode.Input(302);

    /// <summary>The array holds an element type the readers do not convert (for example IDX int16, NPY float64 or big-endian data).</summary>
    public static readonly ErrorCode UnsupportedElementType = ErrorCode.Input(303);

    /// <summary>The file ends before the end of its header or of the data its header announces.</summary>
    public static readonly ErrorCode Truncated = ErrorCode.Input(304);

    /// <summary>The file holds more data than its header announces, so the header cannot be trusted.</summary>
    public static readonly ErrorCode TrailingData = ErrorCode.Input(305);

    /// <summary>The gzip or zip compression is corrupt and cannot be decompressed.</summary>
    public static readonly ErrorCode CorruptCompression = ErrorCode.Input(306);

    /// <summary>An NPZ archive has no array with the requested name, or no array at all.</summary>
    public static readonly ErrorCode NpzArrayNotFound = ErrorCode.Input(307);

    /// <summary>
    /// The array has the wrong kind for its role: images with one value per sample (a labels file?),
    /// labels with several values per sample or non-integer labels.
    /// </summary>
    public static readonly ErrorCode WrongArrayKind = ErrorCode.Input(308);

    /// <summary>The images do not fit the model input: a different number of values per sample, or channels-last data.</summary>
    public static readonly ErrorCode SampleShapeMismatch = ErrorCode.Input(309);

    /// <summary>A label is negative or not below the number of classes (the model's output width).</summary>
    public static readonly ErrorCode LabelOutOfRange = ErrorCode.Input(310);

    /// <summary>The images file and the labels file hold different numbers of samples.</summary>
    public static readonly ErrorCode CountMismatch = ErrorCode.Input(311);

    /// <summary>The preprocessing does not fit the data: mean/std length is neither 1 nor the channel count, std is not positive, a value is not finite.</summary>
    public static readonly ErrorCode BadPreprocessing = ErrorCode.Input(312);

    /// <summary>The file holds no samples.</summary>
    public static readonly ErrorCode Empty = ErrorCode.Input(313);

    /// <summary>The array is too large to index (more than 2^31-1 samples or values per sample) or to hold in memory when compressed.</summary>
    public static readonly ErrorCode TooLarge = ErrorCode.Input(314);

    /// <summary>Images and labels name the same NPZ file without keys, so both would read the same array.</summary>
    public static readonly ErrorCode AmbiguousNpzArrays = ErrorCode.Input(315);

    /// <summary>Float images hold NaN or infinity: every output and gradient they touch would be NaN.</summary>
    public static readonly ErrorCode NonFiniteValues = ErrorCode.Input(316);

    /// <summary>An NPZ images file holds several image-shaped arrays and the policy names none of them.</summary>
    public static readonly ErrorCode SeveralImageArrays = ErrorCode.Input(317);

    /// <summary>A data file is not in the format the policy's data.format names.</summary>
    public static readonly ErrorCode FormatMismatch = ErrorCode.Input(318);

    /// <summary>Warning: calibration.samples asks for more samples than the calibration split holds; all are used.</summary>
    public static readonly ErrorCode CalibrationLargerThanData = ErrorCode.Input(319);
}
