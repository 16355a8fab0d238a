using InfoPrune.Bench;

// Benchmarks, not tests: they print figures (one JSON line per result) and never fail on them.
var command = args.Length > 0 ? args[0] : "help";
var options = BenchOptions.Parse(args.Skip(1).ToArray());
return command switch
{
    "describe" => Describe.Run(options.Positional.FirstOrDefault() ?? throw new ArgumentException("describe <model.onnx>")),
    "export-weights" => options.Positional.Count == 2
        ? ExportWeights.Run(options.Positional[0], options.Positional[1])
        : throw new ArgumentException("export-weights <model.onnx> <out.npz>"),
    "training" => TrainingBench.Run(options),
    "micro" => MicroBench.Run(options),
    "eval" => EvalBench.Run(options),
    "latency" => LatencyBench.Run(options),
    "widths" => WidthTableBench.Run(options),
    "gate-cost" => GateCostBench.Run(options),
    "depthwise-net" => WriteDepthwiseNet(options.Positional.FirstOrDefault() ?? throw new ArgumentException("depthwise-net <out.onnx>")),
    _ => Usage(),
};

static int WriteDepthwiseNet(string path)
{
    File.WriteAllBytes(path, DepthwiseNet.Build());
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: InfoPrune.Bench <command> [options] [models...]
          describe <model.onnx>      nodes, attributes and initializer shapes
          export-weights <model.onnx> <out.npz>
                                     initializers as .npy arrays in the order the nodes read them
                                     (the PyTorch baselines load the same trained weights)
          training [models]          train-mode throughput (default: lenet5 resnet20_bn resnet20)
              --batch 128 --threads 2 --warmup N --steps N --block N --models DIR --data DIR
              --pytorch /usr/bin/python3   interleave bench/pytorch/train_throughput.py's steps
              --twin 1                     also the hand-written TorchSharp twin (executor overhead)
              --breakdown 1                forward/backward/step ms and per-op forward ms
              --reinit 1                   random weights instead of the trained ones
          eval [models]              executor (no_grad) vs ONNX Runtime images/s
              --batches 1,128 --threads 2 --rounds 6 --side both|infoprune|ort|torchsharp
          micro                      single ops fwd+bwd at the models' shapes (vs bench/pytorch/micro.py)
          latency [models]           latency ratio against MACs ratio of pruned models (default: lenet5 resnet20
                                     depthwise; also any fixture name or .onnx path), roundTo 1 vs auto, target.latency
              --budgets 0.75,0.5,0.25 --rounding 1,auto --latency-targets 0.5 --threads 1 --latency-threads N --batch 64
              --epochs 0 --train-samples N --method l1 --depthwise trained.onnx --work DIR
          widths <model.onnx>        the width → latency table of roundTo "auto": probe times per width, the
                                     relative cost and what each count rounds to  --batch 64 --threads 1 --cache DIR
          gate-cost [models]         ib-gates training against plain fine-tuning per step, same unpruned model
                                     (default: resnet20 resnet20_bn), alternating rounds  --steps 60 --rounds 3 --batch 128 --threads 2
          depthwise-net <out.onnx>   the MobileNet-style net the latency bench builds (untrained; train it with
                                     `infoprune prune` and target ratio 1, see bench/latency/README.md)
        """);
    return 2;
}
