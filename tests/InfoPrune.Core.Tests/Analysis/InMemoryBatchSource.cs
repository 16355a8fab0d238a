using InfoPrune.Core.Tests.Methods;
using InfoPrune.Core.Validation;

namespace InfoPrune.Core.Tests.Analysis;

/// <summary>In-memory samples as the batch source the analysis reads.</summary>
internal sealed class InMemoryBatchSource : IBatchSource
{
    private readonly InMemoryData _data;

    public InMemoryBatchSource(InMemoryData data) => _data = data;

    public IEnumerable<LabeledBatch> ReadBatches(int batchSize) =>
        _data.Batches(batchSize).Select(b => new LabeledBatch(b.Images.ToArray(), b.Shape.ToArray(), b.Labels.ToArray()));
}
