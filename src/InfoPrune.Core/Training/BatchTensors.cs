using InfoPrune.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoPrune.Core.Training;

/// <summary>
/// CPU tensors that share memory with a <see cref="Batch"/>'s arrays instead of copying them.
/// A <see cref="BatchStream"/> refills the same arrays for every batch of an epoch, so the views made
/// for the first batch see every later one: after that a step creates no input tensors at all.
/// </summary>
/// <remarks>
/// Safe because a step finishes its backward pass (the last reader of the input) before the stream
/// refills the arrays for the next step. On a GPU the forward pass copies the input to the device.
/// </remarks>
internal sealed class BatchTensors : IDisposable
{
    private float[]? _imagesArray;
    private long[]? _labelsArray;
    private Tensor? _images, _labels;

    /// <summary>The images of <paramref name="batch"/> as an NCHW tensor.</summary>
    public Tensor Images(Batch batch)
    {
        if (!ReferenceEquals(batch.Images, _imagesArray))
        {
            _images?.Dispose();
            using var flat = torch.from_array(batch.Images);
            _images = flat.view(batch.Shape).DetachFromDisposeScope();
            _imagesArray = batch.Images;
        }
        return _images!;
    }

    /// <summary>The labels of <paramref name="batch"/>, int64, on <paramref name="device"/>.</summary>
    public Tensor Labels(Batch batch, Device device)
    {
        if (!ReferenceEquals(batch.Labels, _labelsArray))
        {
            _labels?.Dispose();
            _labels = torch.from_array(batch.Labels).DetachFromDisposeScope();
            _labelsArray = batch.Labels;
        }
        // On a GPU the copy belongs to the caller's step scope.
        return device.type == DeviceType.CPU ? _labels! : _labels!.to(device);
    }

    public void Dispose()
    {
        _images?.Dispose();
        _labels?.Dispose();
    }
}
