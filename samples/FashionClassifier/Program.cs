using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

// Classifies one Fashion-MNIST-sized image with the pruned model that the build put next to the app.
var modelPath = Path.Combine(AppContext.BaseDirectory, "models", "lenet5.onnx");
using var session = new InferenceSession(modelPath);
var metadata = session.ModelMetadata.CustomMetadataMap;
Console.WriteLine($"model: {modelPath} ({new FileInfo(modelPath).Length:N0} bytes)");
if (metadata.TryGetValue("infoprune.accuracy_after", out var accuracy))
    Console.WriteLine($"pruned by InfoPrune ({metadata["infoprune.method"]}), validation accuracy {accuracy}");

var pixels = new DenseTensor<float>(new[] { 1, 1, 28, 28 }); // a blank image
using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), pixels) });
var logits = results.First().AsEnumerable<float>().ToArray();
Console.WriteLine($"class of a blank image: {Array.IndexOf(logits, logits.Max())}");
