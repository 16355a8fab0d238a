namespace InfoPrune.Core.Ops;

/// <summary>
/// What the engine outside <c>Ops/</c> needs to know about an op that applies a learned weight
/// (Conv, Gemm, MatMul): where its weight and bias are, and how its output channels map onto the
/// weight and onto the output tensor. Surgery, bias balancing, BatchNorm re-insertion and the
/// analysis read this instead of comparing op types.
/// </summary>
/// <param name="WeightInput">The input position of the weight.</param>
/// <param name="BiasInput">The input position of a per-output bias, or null when the op takes none (MatMul).</param>
/// <param name="WeightOutputAxis">The axis of the weight that indexes output channels.</param>
/// <param name="OutputChannelAxis">The axis of the output tensor that holds the channels (1 for NCHW and [N, C]).</param>
/// <param name="AcceptsBatchNorm">Whether a per-channel normaliser on the output can be folded back
/// into the weight and bias exactly (scale the weight's output slice, shift the bias).</param>
public sealed record WeightedLayerTraits(int WeightInput, int? BiasInput, int WeightOutputAxis, int OutputChannelAxis, bool AcceptsBatchNorm);
