using System.CommandLine;
using System.Text.Json;
using StressVm.Scenarios;

namespace StressVm.Cli;

/// <summary><c>stressvm list [--json]</c>: the built-in scenarios with what they expect.</summary>
public static class ListCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array of {name, file, description, expect}" };
        var cmd = new Command("list", "List the built-in scenarios (scenarios/*.conf, compiled in): name, what each races, and its expect clause (pass, or the invariant its pinned bug knob must fire). Any of them, or your own .conf file, is the argument of run, replay and minimize.");
        cmd.Options.Add(json);
        cmd.SetAction(parse =>
        {
            var specs = ScenarioCatalog.Names.Select(ScenarioCatalog.LoadBuiltin).ToList();
            if (parse.GetValue(json))
            {
                using var w = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                w.WriteStartArray();
                foreach (var s in specs)
                {
                    w.WriteStartObject();
                    w.WriteString("name", s.Name);
                    w.WriteString("file", s.Source);
                    w.WriteString("description", s.Description);
                    w.WriteString("expect", s.Expect);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.Flush();
                Console.WriteLine();
                return CliApp.ExitOk;
            }
            int width = specs.Max(s => s.Name.Length);
            foreach (var s in specs)
                Console.WriteLine($"{s.Name.PadRight(width)}  {("expect " + s.Expect),-26}  {s.Description}");
            return CliApp.ExitOk;
        });
        return cmd;
    }
}
