using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Drafting.Knowledge;

namespace SupportCopilot.Cli;

/// <summary><c>copilot kb import &lt;folder&gt;</c>: migrate Drafting's database, then import a folder into it.</summary>
internal static class KnowledgeBaseCommands
{
    public static Command Create()
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "Folder of .md and .txt files (any depth)." };
        var provider = new Option<string?>("--database-provider") { Description = "sqlite or postgres (default: Database__Provider, else sqlite)." };
        provider.AcceptOnlyFromAmong("sqlite", "postgres", "Sqlite", "Postgres");
        var connectionString = new Option<string?>("--connection-string") { Description = "PostgreSQL connection string (default: Database__ConnectionString)." };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Folder of the SQLite files (default: Database__DataDirectory, else ./data)." };

        var import = new Command("import", "Import a folder of documents into the knowledge base (unchanged files are skipped).")
        {
            folder,
            provider,
            connectionString,
            dataDirectory,
        };
        import.SetAction(async (parse, cancellationToken) =>
        {
            var source = parse.GetRequiredValue(folder);
            if (!source.Exists)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Folder {source.FullName} does not exist.[/]");
                return 2;
            }

            var settings = CliConfiguration.Database(parse.GetValue(provider), parse.GetValue(connectionString), parse.GetValue(dataDirectory));
            var database = new DraftingDatabase(settings);
            ImportResult? result = null;
            await AnsiConsole.Status().StartAsync("Migrating", async status =>
            {
                await Migrator.MigrateAsync(database, DraftingMigrations.All, NullLogger.Instance, cancellationToken);
                status.Status("Importing");
                var importer = new KnowledgeImporter(database, CliConfiguration.Drafting());
                result = await importer.ImportFolderAsync(
                    source.FullName,
                    new Progress<string>(document => status.Status($"Importing {Markup.Escape(document)}")),
                    cancellationToken);
            });

            var table = new Table().Title($"Imported {Markup.Escape(source.FullName)} into {settings.Provider}")
                .AddColumn("Documents added").AddColumn("updated").AddColumn("unchanged").AddColumn("Chunks written").AddColumn("Files skipped");
            table.AddRow(
                result!.DocumentsAdded.ToString(System.Globalization.CultureInfo.InvariantCulture),
                result.DocumentsUpdated.ToString(System.Globalization.CultureInfo.InvariantCulture),
                result.DocumentsUnchanged.ToString(System.Globalization.CultureInfo.InvariantCulture),
                result.ChunksWritten.ToString(System.Globalization.CultureInfo.InvariantCulture),
                result.Skipped.ToString(System.Globalization.CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            if (result.Changed)
            {
                AnsiConsole.MarkupLine("[grey]Running Drafting instances pick the change up when they restart (they rebuild the index from the database).[/]");
            }

            return 0;
        });

        return new Command("kb", "Knowledge base.") { import };
    }
}
