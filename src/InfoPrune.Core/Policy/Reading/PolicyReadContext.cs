using InfoPrune.Core.Diagnostics;
using InfoPrune.Core.Policy.Json;

namespace InfoPrune.Core.Policy.Reading;

/// <summary>
/// What every section reader shares while one policy file is read: where diagnostics go and
/// where they point, the folder relative paths resolve against, and whether data files must exist.
/// </summary>
internal sealed class PolicyReadContext
{
    public PolicyReadContext(string file, string baseDirectory, bool checkFiles, DiagnosticBag diagnostics)
    {
        File = file;
        BaseDirectory = baseDirectory;
        CheckFiles = checkFiles;
        Diagnostics = diagnostics;
    }

    /// <summary>The policy path as the caller named it; diagnostics show it unchanged.</summary>
    public string File { get; }
    public string BaseDirectory { get; }
    public bool CheckFiles { get; }
    public DiagnosticBag Diagnostics { get; }

    /// <summary>
    /// Told, for each object read, its schema location ("fineTune.optimizer", "method(cmi)") and the
    /// keys the parser accepts there. Lets a test hold the parser and the JSON Schema in agreement.
    /// </summary>
    public Action<string, IReadOnlyList<string>>? KeysAccepted { get; init; }

    public void Error(ErrorCode code, string message, JsonSourceNode at) =>
        Diagnostics.Error(code, message, File, at.Line, at.Column);

    public void Error(ErrorCode code, string message, int line, int column) =>
        Diagnostics.Error(code, message, File, line, column);
}
