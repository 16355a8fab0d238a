using InfoPrune.Core.Validation;

namespace InfoPrune.Tool;

/// <summary>Turns the data files named on the command line into batches for the evaluator.</summary>
internal interface IDatasetOpener
{
    /// <summary>Opens an image file and its label file (both known to exist), preprocessed to pixel/255 in NCHW.</summary>
    IBatchSource Open(string imagesPath, string labelsPath);
}
