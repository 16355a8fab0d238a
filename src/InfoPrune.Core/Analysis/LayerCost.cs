using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Analysis;

/// <summary>One node's cost in a traced batch-1 run: the shapes it produced and its multiply-accumulates.</summary>
public sealed record LayerCost(OnnxNode Node, IReadOnlyList<long[]> OutputShapes, long Macs);
