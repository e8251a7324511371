using System.CommandLine;
using StressVm.Cli.Commands;

namespace StressVm.Cli;

/// <summary>Builds the root command. Exit codes: 0 nothing found, 1 a bug was found, 2 bad usage or bad input.</summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitBugFound = 1;
    public const int ExitBadInput = 2;
    /// <summary>A defect in StressVm itself (never a finding about the kernel model).</summary>
    public const int ExitInternalError = 3;

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "StressVm: a deterministic, actor-based stress tester for the Linux kernel's memory-management fault paths.\n" +
            "Exit codes (run, soak, soak report): 0 = every finding was the scenario's expect and every expected bug was found,\n" +
            "1 = an unexpected finding or a missed expectation, 2 = bad usage or bad input, 3 = an internal error of StressVm itself,\n" +
            "4 = verify: a bound stopped the search before it was exhaustive.");
        // Commands register here, one file each under Commands/.
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(Commands.BenchCommand.Create());
        root.Subcommands.Add(Commands.ConfigCommand.Create());
        root.Subcommands.Add(SoakCommand.Create());
        root.Subcommands.Add(MinimizeCommand.Create());
        Common.OptionRules.Harden(root); // every numeric option says what it expects, never a .NET type name
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(Commands.ConformCommand.Create());
        return root;
    }

    /// <param name="output">Where run, replay, minimize and soak report print (null: the console); tests pass a StringWriter.</param>
    /// <param name="error">Where they print errors (null: the console).</param>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line per error, naming the option; the help pointer on the same line.
            foreach (var e in parse.Errors) Console.Error.WriteLine($"stressvm: {e.Message} (see 'stressvm --help')");
            foreach (var e in parse.Errors) (error ?? Console.Error).WriteLine($"stressvm: {e.Message}");
            (error ?? Console.Error).WriteLine("Run 'stressvm --help' for usage.");
            return ExitBadInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false, Output = output ?? Console.Out, Error = error ?? Console.Error,
            });
        }
        catch (StressVm.Kernel.KernelKnobsException e)
        {
            Console.Error.WriteLine($"stressvm: {e.Message}"); // a combination of settings no kernel has: bad input
            return ExitBadInput;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A defect of StressVm itself: say so in one line, keep the details for a bug report.
            Console.Error.WriteLine($"stressvm: internal error: {e.GetType().Name}: {e.Message}");
            Console.Error.WriteLine(e.StackTrace);
            return ExitInternalError;
        }
    }
}
