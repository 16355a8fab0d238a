using System.CommandLine;
using InfoPrune.Core.Policy;

namespace InfoPrune.Tool.Commands;

/// <summary><c>infoprune schema</c>: prints the policy JSON Schema (save it beside policies and reference it with "$schema").</summary>
internal static class SchemaCommand
{
    public static Command Create(ToolContext context)
    {
        var command = new Command("schema", $"Print the JSON Schema of pruning policies ({PolicySchema.FileName}).");
        command.SetAction(_ =>
        {
            context.Out.Write(PolicySchema.Text);
            return 0;
        });
        return command;
    }
}
