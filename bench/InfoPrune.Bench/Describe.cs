using InfoPrune.Core.Onnx;

namespace InfoPrune.Bench;

/// <summary>
/// Prints a model's nodes with their attributes and initializer shapes, so the PyTorch twin of
/// each architecture can be checked against the graph actually benchmarked.
/// </summary>
internal static class Describe
{
    public static int Run(string path)
    {
        var model = OnnxModel.Load(path);
        var graph = model.Graph;
        Console.WriteLine($"# {path}: {graph.Nodes.Count} nodes, {graph.Initializers.Count} initializers");
        foreach (var node in graph.Nodes)
        {
            var inputs = node.Inputs.Select(name =>
                graph.Initializers.TryGetValue(name, out var t) ? $"{name}[{string.Join(",", t.Shape)}]" : name);
            var attributes = node.Attributes.Values.Select(a => $"{a.Name}={a}");
            Console.WriteLine($"{node.OpType,-20} {string.Join(" ", inputs)} -> {string.Join(" ", node.Outputs)}  {string.Join(" ", attributes)}");
        }
        return 0;
    }
}
