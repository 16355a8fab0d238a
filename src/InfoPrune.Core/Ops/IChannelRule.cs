using InfoPrune.Core.Graph;
using InfoPrune.Core.Onnx;

namespace InfoPrune.Core.Ops;

/// <summary>
/// How channels flow through an operator, implemented by the op families that have a rule. The
/// analysis calls it in graph order; the rule reads the channel spaces of the node's inputs,
/// records which initializer slices belong to which group, couples groups that must be pruned
/// together, and sets the spaces of the outputs. Operators whose family has no rule freeze every
/// group they read.
/// </summary>
public interface IChannelRule
{
    void Propagate(OnnxNode node, ChannelFlow flow);
}
