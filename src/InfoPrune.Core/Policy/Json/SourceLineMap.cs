namespace InfoPrune.Core.Policy.Json;

/// <summary>
/// Converts between character offsets and 1-based (line, column) the way Newtonsoft counts them:
/// "\r\n", "\r" and "\n" each end a line, and a column counts characters (a tab is one).
/// </summary>
internal sealed class SourceLineMap
{
    private readonly List<int> _lineStarts = new() { 0 };

    public SourceLineMap(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n') i++;
                _lineStarts.Add(i + 1);
            }
            else if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>The offset just after a token that Newtonsoft reports as ending at (line, position).</summary>
    public int EndOffset(int line, int position, int textLength)
    {
        var lineIndex = Math.Clamp(line, 1, _lineStarts.Count) - 1;
        return Math.Clamp(_lineStarts[lineIndex] + position, 0, textLength);
    }

    /// <summary>The 1-based line and column of the character at <paramref name="offset"/>.</summary>
    public (int Line, int Column) PositionOf(int offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        if (index < 0) index = ~index - 1;
        return (index + 1, offset - _lineStarts[index] + 1);
    }
}
