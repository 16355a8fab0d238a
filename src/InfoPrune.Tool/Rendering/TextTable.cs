using Spectre.Console;
using Spectre.Console.Rendering;

namespace InfoPrune.Tool.Rendering;

/// <summary>
/// A titled table that draws itself with Spectre.Console on a terminal and as plain aligned
/// columns when the output is redirected, so logs and pipes get no box-drawing or escape codes.
/// </summary>
internal sealed class TextTable
{
    private readonly string _title;
    private readonly (string Header, bool RightAligned)[] _columns;
    private readonly List<string[]> _rows = new();
    private string[]? _footer;

    public TextTable(string title, params (string Header, bool RightAligned)[] columns)
    {
        _title = title;
        _columns = columns;
    }

    public TextTable AddRow(params string[] cells)
    {
        if (cells.Length != _columns.Length) throw new ArgumentException($"expected {_columns.Length} cells, got {cells.Length}");
        _rows.Add(cells);
        return this;
    }

    /// <summary>A last row set apart from the others (totals).</summary>
    public TextTable SetFooter(params string[] cells)
    {
        if (cells.Length != _columns.Length) throw new ArgumentException($"expected {_columns.Length} cells, got {cells.Length}");
        _footer = cells;
        return this;
    }

    public void Write(TextWriter output, bool rich)
    {
        if (rich) WriteRich(output);
        else WritePlain(output);
    }

    private void WriteRich(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        var table = new Table { Title = new TableTitle(Markup.Escape(_title)), Border = TableBorder.Rounded };
        foreach (var (header, right) in _columns)
        {
            var column = new TableColumn(new Text(header, new Style(decoration: Decoration.Bold)));
            if (right) column.RightAligned();
            table.AddColumn(column);
        }
        // Text, not markup: node names routinely contain '[' and ']'.
        foreach (var row in _rows) table.AddRow(row.Select(c => (IRenderable)new Text(c)).ToArray());
        if (_footer != null)
        {
            table.ShowFooters = true;
            for (var i = 0; i < _columns.Length; i++) table.Columns[i].Footer = new Text(_footer[i], new Style(decoration: Decoration.Bold));
        }
        console.Write(table);
    }

    private void WritePlain(TextWriter output)
    {
        var all = _rows.Prepend(_columns.Select(c => c.Header).ToArray()).ToList();
        if (_footer != null) all.Add(_footer);
        var widths = Enumerable.Range(0, _columns.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        output.WriteLine(_title);
        foreach (var row in all)
        {
            var cells = row.Select((cell, i) => _columns[i].RightAligned ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            output.WriteLine("  " + string.Join("  ", cells).TrimEnd());
        }
    }
}
