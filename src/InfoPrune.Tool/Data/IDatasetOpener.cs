using InfoPrune.Core.Data;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Validation;

namespace InfoPrune.Tool;

/// <summary>Opens a labelled dataset for a model; a seam so CLI tests can substitute their data.</summary>
internal interface IDatasetOpener
{
    IBatchSource Open(string imagesPath, string labelsPath, OnnxModel model, Preprocessing preprocessing);
}

/// <summary>The real readers (IDX, NPY, NPZ), shaped to the model's input.</summary>
internal sealed class DatasetOpener : IDatasetOpener
{
    public IBatchSource Open(string imagesPath, string labelsPath, OnnxModel model, Preprocessing preprocessing) =>
        DatasetBatchSource.Open(imagesPath, labelsPath, model, preprocessing);
}
