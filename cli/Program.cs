using System.CommandLine;
using StressVm.Cli;

// Entry point: each command lives in its own file under Commands/.
return CliApp.Run(args);
