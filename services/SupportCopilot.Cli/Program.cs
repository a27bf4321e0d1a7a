using System.CommandLine;
using SupportCopilot.Cli;

var root = new RootCommand("copilot: SupportCopilot operations (knowledge base, evaluation).");
root.Subcommands.Add(KnowledgeBaseCommands.Create());
root.Subcommands.Add(EvalCommand.Create());
return await root.Parse(args).InvokeAsync();
