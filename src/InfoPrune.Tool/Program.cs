// The process entry: everything else is in Cli so tests run the same code in-process.
return InfoPrune.Tool.Cli.Run(args, Console.Out, Console.Error);
