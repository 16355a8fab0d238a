namespace InfoPrune.Core.Policy;

/// <summary>How the dataset files are encoded. JSON: "idx", "npy", "npz", "auto".</summary>
public enum DataFormat
{
    /// <summary>Decide per file from its extension and magic bytes.</summary>
    Auto,
    /// <summary>The IDX format of MNIST-style files, optionally gzip-compressed.</summary>
    Idx,
    /// <summary>NumPy <c>.npy</c> arrays.</summary>
    Npy,
    /// <summary>NumPy <c>.npz</c> archives.</summary>
    Npz,
}
