using System.CommandLine;
using SupportCopilot.Cli;

var root = new RootCommand("copilot: SupportCopilot operations (knowledge base, evaluation).");
root.Subcommands.Add(DatabaseCommands.Create());
root.Subcommands.Add(KnowledgeBaseCommands.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(CalibrateCommand.Create());
root.Subcommands.Add(ShadowCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(RepliesCommands.Create());
root.Subcommands.Add(ErrorsCommands.Create());
root.Subcommands.Add(new Command("bench", "Benchmarks: webhooks against running services, the knowledge base on a synthetic corpus.")
{
    SupportCopilot.Cli.Bench.LoadCommand.Create(),
    KnowledgeBenchCommand.Create(),
});
foreach (var command in UsersCommands.Create())
{
    root.Subcommands.Add(command);
}

root.Subcommands.Add(ReviewBenchCommand.Create());
return await root.Parse(args).InvokeAsync();
