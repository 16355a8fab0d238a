namespace InfoPrune.Core.Information;

/// <summary>The per-unit importance measures of the neuron-importance paper, all in bits.</summary>
public enum NeuronMeasure
{
    /// <summary>H(T), eq. (3).</summary>
    Entropy,
    /// <summary>I(T;Y), eq. (4).</summary>
    MutualInformation,
    /// <summary>max_y D(P_{T|Y=y} ‖ P_T), eq. (5).</summary>
    KlSelectivity,
    /// <summary>max over nontrivial class subsets A of I(T; 1[Y∈A]), eq. (14a)/(14b).</summary>
    JsSeparation,
    /// <summary>max_c I(T; 1[Y=c]), eq. (16).</summary>
    LabeledMi,
}
