namespace InfoPrune.Core.Measurement;

/// <summary>
/// Where the calibration pass reads a channel group's units: the value its consumer layer reads
/// (post-activation, after pooling/flatten), and where the group lies on that value's channel
/// axis (axis 1). Channel i of the group owns entries [EntryOffset + i·Block, EntryOffset + (i+1)·Block)
/// of the axis, each with every trailing (spatial) position.
/// </summary>
/// <param name="GroupId">The channel group measured.</param>
/// <param name="Value">The captured value.</param>
/// <param name="Width">Entries along the value's axis 1 (all groups in it).</param>
/// <param name="EntryOffset">The group's first entry on axis 1.</param>
/// <param name="Block">Entries per channel on axis 1 (H·W behind a Flatten, else 1).</param>
/// <param name="Activation">Kind of the activation behind the value (Relu, Sigmoid, Gelu, …; see <see cref="Ops.ActivationTraits.Kind"/>), or null.</param>
public sealed record UnitProbe(int GroupId, string Value, long Width, long EntryOffset, long Block, string? Activation);
