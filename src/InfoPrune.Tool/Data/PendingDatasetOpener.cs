using InfoPrune.Core.Validation;

namespace InfoPrune.Tool;

/// <summary>
/// Stands in until the dataset readers (InfoPrune.Core.Data) are wired in: the command line, file
/// checks and evaluation are complete, only the file format reading is missing.
/// </summary>
internal sealed class PendingDatasetOpener : IDatasetOpener
{
    public IBatchSource Open(string imagesPath, string labelsPath) =>
        throw new NotSupportedException("reading datasets is not available in this build (the dataset readers are not wired in yet)");
}
