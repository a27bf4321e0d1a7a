using System.CommandLine;
using SupportCopilot.Cli;

var root = new RootCommand("copilot: SupportCopilot operations (knowledge base, evaluation).");
root.Subcommands.Add(DatabaseCommands.Create());
root.Subcommands.Add(KnowledgeBaseCommands.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(RepliesCommands.Create());
root.Subcommands.Add(SupportCopilot.Cli.Bench.LoadCommand.Create());
root.Subcommands.Add(ErrorsCommands.Create());
return await root.Parse(args).InvokeAsync();
