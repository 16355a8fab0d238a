using InfoPrune.Core.Onnx;
using InfoPrune.Core.Ops;

namespace InfoPrune.Core.Graph;

/// <summary>
/// PyTorch's exporter deduplicates equal initializers and hands each extra user an Identity copy
/// (two BatchNorms with equal biases share one tensor through `Identity_0`, `Identity_1`). Those
/// copies belong to different channel groups, which may keep different channels, so before
/// analysis each Identity of an initializer becomes an initializer of its own.
/// </summary>
public static class ConstantIdentityMaterializer
{
    public static OnnxModel Apply(OnnxModel model, OpRegistry? registry = null)
    {
        registry ??= OpRegistry.Default;
        var copies = model.Graph.Nodes.Where(n => IsConstantAlias(model, registry, n)).ToList();
        if (copies.Count == 0) return model;
        return model.Rewrite(proto =>
        {
            foreach (var node in copies)
            {
                var template = model.InitializerProto(node.Inputs[0]);
                var copy = template!.Clone();
                copy.Name = node.Outputs[0];
                proto.Graph.Initializer.Add(copy);
                // A value has one producer, so its output name finds the alias node.
                var index = proto.Graph.Node.ToList().FindIndex(n => n.Output.Count > 0 && n.Output[0] == node.Outputs[0]);
                proto.Graph.Node.RemoveAt(index);
            }
        });
    }

    private static bool IsConstantAlias(OnnxModel model, OpRegistry registry, OnnxNode node) =>
        registry.Find(node)?.ForwardsInput(node) == true && node.Inputs.Count == 1 && model.Graph.Initializers.ContainsKey(node.Inputs[0])
        && !model.Graph.IsGraphOutput(node.Outputs[0]);
}
