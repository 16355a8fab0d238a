namespace InfoPrune.Tool;

/// <summary>
/// What every command writes to and draws on in one run: the output streams, whether the output is
/// a terminal (tables) or redirected (plain text), and how datasets are opened.
/// </summary>
internal sealed record ToolContext(TextWriter Out, TextWriter Error, bool RichOutput, IDatasetOpener Datasets);
