using System.Text.Json;
using InfoPrune.Core.Analysis.Neurons;
using InfoPrune.Core.Reporting;
using InfoPrune.Core.Tests.Methods;

namespace InfoPrune.Core.Tests.Analysis;

public class NeuronAnalysisFilesTests
{
    [Fact]
    public void EveryFileIsWrittenAndReadable()
    {
        var model = ToyNets.TwoHiddenLayers("Relu");
        var result = NeuronAnalysis.Run(model, new InMemoryBatchSource(ToyNets.ThreeClassData(600)),
            new NeuronAnalysisOptions { CalibrationSamples = 300, EvaluationSamples = 300, Steps = 4, RandomSeeds = 2 });
        var directory = Path.Combine(Path.GetTempPath(), $"infoprune-analysis-test-{Guid.NewGuid():N}");
        try
        {
            var files = NeuronAnalysisFiles.WriteAll(result, directory);

            Assert.Equal(NeuronAnalysisFiles.FileNames, files.Select(Path.GetFileName));
            foreach (var json in files.Where(f => f.EndsWith(".json", StringComparison.Ordinal)))
                using (JsonDocument.Parse(File.ReadAllText(json))) { }
            var units = File.ReadAllLines(Path.Combine(directory, "units.csv"));
            Assert.Equal("layer,group,unit,entropy,mutual-information,kl-selectivity,js-separation,labeled-mi,mean_activation", units[0]);
            Assert.Equal(1 + 6 + 6, units.Length);
            var curves = File.ReadAllLines(Path.Combine(directory, "ablation.csv"));
            Assert.Equal(1 + result.Layers.Sum(l => l.Curves.Sum(c => c.Points.Count)), curves.Length);

            // Two plots per layer (to zero, balanced), embedded as PNGs.
            var html = File.ReadAllText(Path.Combine(directory, "report.html"));
            var images = html.Split("data:image/png;base64,").Skip(1).Select(s => Convert.FromBase64String(s[..s.IndexOf('"')])).ToArray();
            Assert.Equal(2 * result.Layers.Count, images.Length);
            Assert.All(images, png => Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
