using System.Text;
using System.Text.Json;
using InfoPrune.Core.Analysis;
using InfoPrune.Core.Onnx;

namespace InfoPrune.Tool.Rendering;

/// <summary>
/// Writes what <c>inspect</c> found: as one JSON object (stable names, for scripts) or as
/// text tables (for people). Layers are the nodes that do multiply-accumulates.
/// </summary>
internal static class InspectReport
{
    public static void WriteJson(TextWriter output, string modelPath, OnnxModel model, ModelStatistics stats)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("model", modelPath);
            json.WriteString("producer", $"{model.ProducerName} {model.ProducerVersion}".Trim());
            json.WriteStartObject("opsets");
            foreach (var (domain, version) in model.Opsets.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                json.WriteNumber(domain.Length == 0 ? "ai.onnx" : domain, version);
            json.WriteEndObject();
            WriteValues(json, "inputs", stats.Inputs);
            WriteValues(json, "outputs", stats.Outputs);
            json.WriteNumber("parameters", stats.ParameterCount);
            json.WriteStartObject("operators");
            foreach (var (op, count) in stats.OperatorCounts) json.WriteNumber(op, count);
            json.WriteEndObject();

            if (stats.TotalMacs is { } total) json.WriteNumber("macs", total);
            else json.WriteNull("macs");
            if (stats.MacsUnavailableReason != null) json.WriteString("macsUnavailable", stats.MacsUnavailableReason);
            if (stats.Layers == null) json.WriteNull("layers");
            else
            {
                json.WriteStartArray("layers");
                foreach (var layer in stats.Layers.Where(l => l.Macs > 0))
                {
                    json.WriteStartObject();
                    json.WriteString("node", layer.Node.DisplayName);
                    json.WriteString("op", layer.Node.OpType);
                    json.WriteStartArray("outputShape");
                    foreach (var d in layer.OutputShapes.FirstOrDefault() ?? Array.Empty<long>()) json.WriteNumberValue(d);
                    json.WriteEndArray();
                    json.WriteNumber("macs", layer.Macs);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }

            if (stats.Groups == null) json.WriteNull("groups");
            else
            {
                json.WriteStartArray("groups");
                foreach (var group in stats.Groups)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", group.Id);
                    json.WriteString("name", group.Name);
                    json.WriteNumber("size", group.Size);
                    json.WriteBoolean("prunable", group.IsPrunable);
                    json.WriteStartArray("frozenReasons");
                    foreach (var reason in group.FrozenReasons) json.WriteStringValue(reason);
                    json.WriteEndArray();
                    json.WriteStartArray("members");
                    foreach (var member in group.Members) json.WriteStringValue(member.ToString());
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }

            json.WriteStartArray("unsupported");
            foreach (var u in stats.Unsupported)
            {
                json.WriteStartObject();
                json.WriteString("op", u.OpType);
                json.WriteString("domain", u.Domain.Length == 0 ? "ai.onnx" : u.Domain);
                json.WriteNumber("opset", u.Opset);
                json.WriteStartArray("nodes");
                foreach (var node in u.Nodes) json.WriteStringValue(node);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    public static void WriteText(TextWriter output, bool rich, string modelPath, OnnxModel model, ModelStatistics stats)
    {
        var opsets = string.Join(", ", model.Opsets.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{(kv.Key.Length == 0 ? "ai.onnx" : kv.Key)} {kv.Value}"));
        output.WriteLine($"Model       {modelPath}");
        output.WriteLine($"Producer    {$"{model.ProducerName} {model.ProducerVersion}".Trim()} (opset {opsets})");
        output.WriteLine($"Parameters  {Formats.Count(stats.ParameterCount)}");
        output.WriteLine($"MACs        {(stats.TotalMacs is { } total ? Formats.Count(total) + " per sample" : "unavailable: " + stats.MacsUnavailableReason)}");
        output.WriteLine();

        var values = new TextTable("Inputs and outputs", ("Kind", false), ("Name", false), ("Type", false), ("Shape", false));
        foreach (var v in stats.Inputs) values.AddRow("input", v.Name, v.ElementType.ToString(), Formats.Shape(v.Shape));
        foreach (var v in stats.Outputs) values.AddRow("output", v.Name, v.ElementType.ToString(), Formats.Shape(v.Shape));
        values.Write(output, rich);
        output.WriteLine();

        var operators = new TextTable("Operators", ("Operator", false), ("Nodes", true));
        foreach (var (op, count) in stats.OperatorCounts) operators.AddRow(op, Formats.Count(count));
        operators.SetFooter("total", Formats.Count(stats.OperatorCounts.Sum(kv => kv.Value)));
        operators.Write(output, rich);

        if (stats.Layers != null)
        {
            output.WriteLine();
            var layers = new TextTable("MACs per layer (batch 1)", ("Node", false), ("Operator", false), ("Output shape", false), ("MACs", true), ("Share", true));
            var sum = Math.Max(1, stats.TotalMacs ?? 0);
            foreach (var layer in stats.Layers.Where(l => l.Macs > 0))
                layers.AddRow(layer.Node.DisplayName, layer.Node.OpType, Formats.Shape(layer.OutputShapes.FirstOrDefault() ?? Array.Empty<long>()),
                    Formats.Count(layer.Macs), Formats.Percent((double)layer.Macs / sum));
            layers.SetFooter("total", "", "", Formats.Count(stats.TotalMacs ?? 0), "");
            layers.Write(output, rich);
        }

        if (stats.Groups != null)
        {
            output.WriteLine();
            var groups = new TextTable("Channel groups", ("Id", true), ("Group", false), ("Channels", true), ("Tensors", true), ("Prunable", false));
            foreach (var g in stats.Groups)
                groups.AddRow(g.Id.ToString(), g.Name, Formats.Count(g.Size), Formats.Count(g.Members.Count),
                    g.IsPrunable ? "yes" : "no: " + string.Join("; ", g.FrozenReasons));
            groups.Write(output, rich);
        }

        if (stats.Unsupported.Count > 0)
        {
            output.WriteLine();
            var unsupported = new TextTable("Unsupported operators", ("Operator", false), ("Opset", true), ("Nodes", false));
            foreach (var u in stats.Unsupported)
                unsupported.AddRow((u.Domain.Length > 0 ? u.Domain + "." : "") + u.OpType, u.Opset.ToString(), string.Join(", ", u.Nodes));
            unsupported.Write(output, rich);
        }
    }

    private static void WriteValues(Utf8JsonWriter json, string name, IReadOnlyList<OnnxValueInfo> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            json.WriteStartObject();
            json.WriteString("name", v.Name);
            json.WriteString("type", v.ElementType.ToString());
            if (v.Shape == null) json.WriteNull("shape");
            else
            {
                // Fixed sizes as numbers, symbolic ones (the batch) by name, unknown ones as null.
                json.WriteStartArray("shape");
                foreach (var d in v.Shape)
                {
                    if (d.Value is { } size) json.WriteNumberValue(size);
                    else if (d.Symbol != null) json.WriteStringValue(d.Symbol);
                    else json.WriteNullValue();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
