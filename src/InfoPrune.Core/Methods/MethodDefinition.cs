using InfoPrune.Core.Policy;
using InfoPrune.Core.Policy.Reading;

namespace InfoPrune.Core.Methods;

/// <summary>
/// Everything the rest of the product needs to know about one method, declared in the method's
/// own folder and registered with one line in <see cref="MethodCatalog"/>: its policy name, the
/// parser of its parameters (run when the policy is read, so mistakes are reported with line and
/// column before any work), its schema fragment (so the schema offers only what can run), and
/// how to create it from its parsed parameters.
/// </summary>
/// <param name="Name">The policy name (<c>"method": { "name": … }</c>).</param>
/// <param name="SchemaResource">The embedded JSON file of schema definitions that holds <c>method-&lt;name&gt;</c>
/// (and any definitions it references), relative to the assembly's root namespace, e.g. "Methods/Baselines/baselines.schema.json".</param>
/// <param name="Parse">Reads the method's parameters from its <c>method</c> object, reporting errors as it goes.</param>
/// <param name="Create">The runnable method for parsed parameters.</param>
/// <param name="DecidesRatios">True when the method decides each layer's ratio itself, so it accepts
/// <c>"target": "auto"</c> (no budget); methods that only rank channels need a budget.</param>
/// <param name="Settle">Settles parameters whose meaning depends on the rest of the policy (e.g. a default that
/// follows whether the policy fine-tunes), once the whole policy is read; null when nothing depends on it.</param>
internal sealed record MethodDefinition(
    string Name,
    string SchemaResource,
    Func<PolicyObjectReader, MethodParameters> Parse,
    Func<MethodParameters, IPruningMethod> Create,
    bool DecidesRatios = false,
    Func<MethodParameters, FineTunePolicy, MethodParameters>? Settle = null);
