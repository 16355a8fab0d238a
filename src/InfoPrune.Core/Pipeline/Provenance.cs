using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using InfoPrune.Core.Onnx;
using InfoPrune.Core.Onnx.Proto;

namespace InfoPrune.Core.Pipeline;

/// <summary>
/// Where a pruned model came from, stored in its ONNX metadata: tool version, hashes of the input
/// model and policy, seed, method and measured accuracies. Nothing time-dependent, so the same
/// inputs give the same bytes.
/// </summary>
public static class Provenance
{
    public static string ToolVersion { get; } =
        typeof(Provenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Provenance).Assembly.GetName().Version?.ToString() ?? "0";

    public static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    public static OnnxModel Stamp(OnnxModel model, IReadOnlyDictionary<string, string> entries) => model.Rewrite(proto =>
    {
        foreach (var (key, value) in entries)
        {
            var existing = proto.MetadataProps.FirstOrDefault(p => p.Key == key);
            if (existing != null) existing.Value = value;
            else proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
    });

    public static Dictionary<string, string> Entries(byte[] modelBytes, byte[] policyBytes, int seed, string method, double before, double after) => new()
    {
        ["infoprune.version"] = ToolVersion,
        ["infoprune.input_sha256"] = Sha256(modelBytes),
        ["infoprune.policy_sha256"] = Sha256(policyBytes),
        ["infoprune.seed"] = seed.ToString(CultureInfo.InvariantCulture),
        ["infoprune.method"] = method,
        ["infoprune.accuracy_before"] = before.ToString("0.0000", CultureInfo.InvariantCulture),
        ["infoprune.accuracy_after"] = after.ToString("0.0000", CultureInfo.InvariantCulture),
    };
}
