using System.Xml;

namespace InfoPrune.Tasks;

/// <summary>
/// Where a PruneModel item is written in its project file, so build errors about it point at the
/// line to fix. MSBuild gives tasks an item's defining file (DefiningProjectFullPath) but not its
/// line, so the file is read: the PruneModel element whose Include names the item (several: the
/// one whose Policy attribute reads as the item's Policy), or the only PruneModel element there is.
/// Items made by wildcards or transforms may get no line (0).
/// </summary>
internal static class ItemLocations
{
    /// <summary>The line (1-based) of the element that includes <paramref name="itemSpec"/>, or 0 when no single element does.</summary>
    public static int FindLine(string projectFile, string itemName, string itemSpec, string? policy = null)
    {
        var elements = new List<(int Line, string[] Includes, string? Policy)>();
        try
        {
            using var reader = XmlReader.Create(projectFile, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true });
            var info = (IXmlLineInfo)reader;
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != itemName) continue;
                var include = reader.GetAttribute("Include");
                if (include != null)
                    elements.Add((info.LineNumber, include.Split(';').Select(s => Normalize(s.Trim())).Where(s => s.Length > 0).ToArray(), reader.GetAttribute("Policy")));
            }
        }
        catch (Exception ex) when (ex is IOException or XmlException or UnauthorizedAccessException)
        {
            return 0;
        }
        var wanted = Normalize(itemSpec);
        var named = elements.Where(e => e.Includes.Any(i => string.Equals(i, wanted, StringComparison.OrdinalIgnoreCase))).ToList();
        if (named.Count == 1) return named[0].Line;
        if (named.Count > 1)
        {
            // An attribute that uses properties may read differently once evaluated: it could be any.
            bool SamePolicy(string? raw) => raw?.Contains("$(") == true || string.Equals(raw ?? "", policy ?? "", StringComparison.OrdinalIgnoreCase);
            var withPolicy = named.Where(e => SamePolicy(e.Policy)).ToList();
            return withPolicy.Count == 1 ? withPolicy[0].Line : 0;
        }
        return elements.Count == 1 ? elements[0].Line : 0;
    }

    /// <summary>"file|line", the form the targets pass to <see cref="PruneModel.ItemLocation"/>.</summary>
    public static string Format(string file, int line) => $"{file}|{line}";

    public static (string? File, int Line) Parse(string? location)
    {
        if (string.IsNullOrEmpty(location)) return (null, 0);
        var bar = location!.LastIndexOf('|');
        if (bar <= 0) return (location, 0);
        return (location.Substring(0, bar), int.TryParse(location.Substring(bar + 1), out var line) ? line : 0);
    }

    private static string Normalize(string path) => path.Replace('\\', '/').TrimStart('.', '/');

    /// <summary>
    /// The line (1-based) of the first <c>"key":</c> in a JSON file, or 0. A text scan, not a parse:
    /// the tool has already read the file, and only a line to point at is wanted.
    /// </summary>
    public static int FindJsonKeyLine(string jsonFile, string key)
    {
        try
        {
            var pattern = new System.Text.RegularExpressions.Regex("\"" + System.Text.RegularExpressions.Regex.Escape(key) + "\"\\s*:");
            var lines = File.ReadAllLines(jsonFile);
            for (var i = 0; i < lines.Length; i++)
                if (pattern.IsMatch(lines[i])) return i + 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        return 0;
    }
}
