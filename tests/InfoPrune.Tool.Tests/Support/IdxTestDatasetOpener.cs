using System.Buffers.Binary;
using System.IO.Compression;
using InfoPrune.Core.Validation;
using InfoPrune.Tool;

namespace InfoPrune.Tool.Tests.Support;

/// <summary>
/// A minimal IDX reader (gzipped or not) for the CLI tests until the real dataset readers are
/// wired into the tool: images as pixel/255 in [N,1,rows,cols], labels as class indices.
/// </summary>
internal sealed class IdxTestDatasetOpener : IDatasetOpener
{
    public IBatchSource Open(string imagesPath, string labelsPath, InfoPrune.Core.Onnx.OnnxModel model) => new Source(imagesPath, labelsPath);

    private sealed class Source : IBatchSource
    {
        private readonly float[] _pixels;
        private readonly long[] _labels;
        private readonly int _rows, _columns;

        public Source(string imagesPath, string labelsPath)
        {
            var (imageDims, images) = ReadIdx(imagesPath);
            var (_, labels) = ReadIdx(labelsPath);
            (_rows, _columns) = (imageDims[1], imageDims[2]);
            _pixels = images.Select(b => b / 255f).ToArray();
            _labels = labels.Select(b => (long)b).ToArray();
        }

        public IEnumerable<LabeledBatch> ReadBatches(int batchSize)
        {
            var sampleSize = _rows * _columns;
            for (var start = 0; start < _labels.Length; start += batchSize)
            {
                var count = Math.Min(batchSize, _labels.Length - start);
                yield return new LabeledBatch(
                    _pixels.AsSpan(start * sampleSize, count * sampleSize).ToArray(),
                    new long[] { count, 1, _rows, _columns },
                    _labels.AsSpan(start, count).ToArray());
            }
        }
    }

    private static (int[] Dims, byte[] Data) ReadIdx(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        var rank = bytes[3];
        var dims = Enumerable.Range(0, rank).Select(i => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i))).ToArray();
        return (dims, bytes[(4 + 4 * rank)..]);
    }
}
