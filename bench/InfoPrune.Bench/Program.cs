using InfoPrune.Bench;

// Benchmarks, not tests: they print figures (one JSON line per result) and never fail on them.
var command = args.Length > 0 ? args[0] : "help";
var options = BenchOptions.Parse(args.Skip(1).ToArray());
return command switch
{
    "describe" => Describe.Run(options.Positional.FirstOrDefault() ?? throw new ArgumentException("describe <model.onnx>")),
    "training" => TrainingBench.Run(options),
    "micro" => MicroBench.Run(options),
    "eval" => EvalBench.Run(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: InfoPrune.Bench <command> [options] [models...]
          describe <model.onnx>      nodes, attributes and initializer shapes
          training [models]          train-mode throughput (default: lenet5 resnet20_bn resnet20)
              --batch 128 --threads 2 --warmup N --steps N --breakdown 1 --models DIR --data DIR
        """);
    return 2;
}
