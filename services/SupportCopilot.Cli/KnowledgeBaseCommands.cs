using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Drafting.Knowledge;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>copilot kb import|list|remove|answers</c>: the knowledge base straight in Drafting's
/// database (migrated first). Changes are queued as <c>KnowledgeChanged</c> in Drafting's outbox, so
/// running Drafting instances publish them and bring their indexes in step.
/// </summary>
internal static class KnowledgeBaseCommands
{
    private static readonly Option<string?> Provider = CreateProvider();
    private static readonly Option<string?> ConnectionString = new("--connection-string") { Description = "PostgreSQL connection string (default: Database__ConnectionString)." };
    private static readonly Option<string?> DataDirectory = new("--data-dir") { Description = "Folder of the SQLite files (default: Database__DataDirectory, else ./data)." };

    public static Command Create()
    {
        var answers = new Command("answers", "Answers agents approved that the knowledge base remembers (answer memory).") { WithDatabase(ListAnswers()), WithDatabase(ForgetAnswer()) };
        return new Command("kb", "Knowledge base.")
        {
            WithDatabase(Import()),
            WithDatabase(List()),
            WithDatabase(Remove()),
            answers,
        };
    }

    private static Command Import()
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "Folder of " + DocumentFormats.Supported + " files (any depth)." };
        var prune = new Option<bool>("--prune") { Description = "Also remove documents whose file is no longer in the folder." };
        var import = new Command("import", "Import a folder of documents into the knowledge base (unchanged files are skipped).") { folder, prune };
        import.SetAction(async (parse, cancellationToken) =>
        {
            var source = parse.GetRequiredValue(folder);
            if (!source.Exists)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Folder {source.FullName} does not exist.[/]");
                return 2;
            }

            var (database, settings) = await DatabaseAsync(parse, cancellationToken);
            var importer = new KnowledgeImporter(database, CliConfiguration.Drafting(), embedder: ChunkEmbedder.Create(CliConfiguration.Drafting().Embeddings));
            var result = await ImportWithProgressAsync(importer, source.FullName, parse.GetValue(prune), cancellationToken);
            Print(result, source.FullName, settings.Provider);
            return result.Failed > 0 ? 1 : 0;
        });
        return import;
    }

    private static async Task<ImportResult> ImportWithProgressAsync(KnowledgeImporter importer, string folder, bool prune, CancellationToken cancellationToken)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            return await importer.ImportFolderAsync(folder, prune, cancellationToken: cancellationToken);
        }

        ImportResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Importing", maxValue: 1);
                result = await importer.ImportFolderAsync(
                    folder,
                    prune,
                    new Progress<ImportProgress>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Done;
                        task.Description = p.DocumentId.Length == 0 ? "Imported" : Markup.Escape(Shorten(p.DocumentId));
                    }),
                    cancellationToken);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static void Print(ImportResult result, string folder, DatabaseProvider provider)
    {
        var table = new Table().Title($"Imported {Markup.Escape(folder)} into {provider}")
            .AddColumn("added").AddColumn("updated").AddColumn("unchanged").AddColumn("removed").AddColumn("failed").AddColumn("chunks written").AddColumn("files skipped");
        table.AddRow(
            Number(result.DocumentsAdded), Number(result.DocumentsUpdated), Number(result.DocumentsUnchanged), Number(result.DocumentsRemoved),
            result.Failed > 0 ? $"[red]{result.Failed}[/]" : "0", Number(result.ChunksWritten), Number(result.Skipped));
        AnsiConsole.Write(table);
        if (result.Failed > 0)
        {
            var errors = new Table().Title("[red]Files not imported (their previous version, if any, is unchanged)[/]").AddColumn("file").AddColumn("error");
            foreach (var error in result.Errors)
            {
                errors.AddRow(Markup.Escape(error.DocumentId), Markup.Escape(error.Error ?? string.Empty));
            }

            AnsiConsole.Write(errors);
        }

        if (result.Changed)
        {
            AnsiConsole.MarkupLine("[grey]Running Drafting instances publish the change from the outbox and refresh their indexes.[/]");
        }
    }

    private static Command List()
    {
        var list = new Command("list", "List the documents and remembered answers in the knowledge base.");
        list.SetAction(async (parse, cancellationToken) =>
        {
            var (database, _) = await DatabaseAsync(parse, cancellationToken);
            var documents = await KnowledgeDocuments.ListAsync(database, cancellationToken);
            var table = new Table().AddColumn("document").AddColumn("title").AddColumn("kind").AddColumn("chunks").AddColumn("imported at").AddColumn("hash");
            foreach (var document in documents)
            {
                table.AddRow(
                    Markup.Escape(document.DocumentId), Markup.Escape(document.Title), document.Kind, Number(document.Chunks),
                    document.ImportedAt.ToString("u", CultureInfo.InvariantCulture), document.ContentHash[..Math.Min(12, document.ContentHash.Length)]);
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"{documents.Count} documents, {documents.Sum(d => d.Chunks)} chunks");
            return 0;
        });
        return list;
    }

    private static Command Remove()
    {
        var ids = new Argument<string[]>("id") { Description = "Document id(s) as `kb list` shows them.", Arity = ArgumentArity.OneOrMore };
        var remove = new Command("remove", "Remove documents (and their passages) from the knowledge base.") { ids };
        remove.SetAction(async (parse, cancellationToken) =>
        {
            var (database, _) = await DatabaseAsync(parse, cancellationToken);
            var wanted = parse.GetRequiredValue(ids);
            var removed = await new KnowledgeImporter(database, CliConfiguration.Drafting()).RemoveAsync(wanted, cancellationToken);
            foreach (var id in wanted)
            {
                if (removed.Contains(id))
                {
                    AnsiConsole.MarkupLineInterpolated($"Removed {id}");
                }
                else
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]No document {id}[/]");
                }
            }

            return removed.Count == wanted.Length ? 0 : 1;
        });
        return remove;
    }

    private static Command ListAnswers()
    {
        var list = new Command("list", "List remembered answers with their ticket, agent and date.");
        list.SetAction(async (parse, cancellationToken) =>
        {
            var (database, _) = await DatabaseAsync(parse, cancellationToken);
            var answers = await AnswerMemoryQueries.ListAsync(database, cancellationToken);
            var table = new Table().AddColumn("draft").AddColumn("ticket").AddColumn("agent").AddColumn("approved at").AddColumn("edited").AddColumn("answer");
            foreach (var answer in answers)
            {
                table.AddRow(
                    answer.DraftId.ToString(), answer.TicketId.ToString(), Markup.Escape(answer.Agent), answer.ApprovedAt.ToString("u", CultureInfo.InvariantCulture),
                    answer.Edited ? "yes" : "no", Markup.Escape(Shorten(answer.Text.ReplaceLineEndings(" "), 60)));
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"{answers.Count} remembered answers");
            return 0;
        });
        return list;
    }

    private static Command ForgetAnswer()
    {
        var draft = new Argument<Guid>("draft-id") { Description = "The draft the answer was approved from (`kb answers list`)." };
        var remove = new Command("remove", "Forget a remembered answer.") { draft };
        remove.SetAction(async (parse, cancellationToken) =>
        {
            var (database, _) = await DatabaseAsync(parse, cancellationToken);
            var id = parse.GetRequiredValue(draft);
            if (await AnswerMemoryQueries.ForgetAsync(new KnowledgeImporter(database, CliConfiguration.Drafting()), id, cancellationToken))
            {
                AnsiConsole.MarkupLineInterpolated($"Forgot the answer approved from draft {id}");
                return 0;
            }

            AnsiConsole.MarkupLineInterpolated($"[red]No answer is remembered from draft {id}[/]");
            return 1;
        });
        return remove;
    }

    private static Command WithDatabase(Command command)
    {
        command.Options.Add(Provider);
        command.Options.Add(ConnectionString);
        command.Options.Add(DataDirectory);
        return command;
    }

    private static async Task<(DraftingDatabase Database, DatabaseSettings Settings)> DatabaseAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var settings = CliConfiguration.Database(parse.GetValue(Provider), parse.GetValue(ConnectionString), parse.GetValue(DataDirectory));
        var database = new DraftingDatabase(settings);
        await Migrator.MigrateAsync(database, DraftingMigrations.All, NullLogger.Instance, cancellationToken);
        return (database, settings);
    }

    private static Option<string?> CreateProvider()
    {
        var provider = new Option<string?>("--database-provider") { Description = "sqlite or postgres (default: Database__Provider, else sqlite)." };
        provider.AcceptOnlyFromAmong("sqlite", "postgres", "Sqlite", "Postgres");
        return provider;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text, int max = 48) => text.Length <= max ? text : "…" + text[^(max - 1)..];
}
