namespace InfoPrune.Core.Policy.Reading;

/// <summary>
/// The JSON spellings of an enum ("equal-width" ↔ <c>Binning.EqualWidth</c>). Policy names are
/// lower-case and hyphenated like the CLI's, which .NET enum names cannot be.
/// </summary>
internal sealed class NamedChoices<T> where T : struct, Enum
{
    private readonly (string Name, T Value)[] _choices;

    public NamedChoices(params (string Name, T Value)[] choices) => _choices = choices;

    public IReadOnlyList<string> Names => _choices.Select(c => c.Name).ToArray();

    public bool TryGet(string name, out T value)
    {
        foreach (var choice in _choices)
        {
            if (choice.Name == name)
            {
                value = choice.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>These choices and one more (e.g. a policy default that settles to one of them later).</summary>
    public NamedChoices<T> With(string name, T value) => new(_choices.Append((name, value)).ToArray());

    public string NameOf(T value) => _choices.First(c => EqualityComparer<T>.Default.Equals(c.Value, value)).Name;
}
