using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SupportCopilot.Drafting.Calibration;
using SupportCopilot.Drafting.Database;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>copilot shadow compare [--version v]</c>: what the shadow policy would have auto-sent against
/// what the live one sent, judged by agents' decisions; <c>copilot shadow promote &lt;version&gt;</c>
/// makes it the live policy.
/// </summary>
internal static class ShadowCommand
{
    public static Command Create()
    {
        var provider = new Option<string?>("--database-provider") { Description = "sqlite or postgres (default: Database__Provider, else sqlite)." };
        provider.AcceptOnlyFromAmong("sqlite", "postgres", "Sqlite", "Postgres");
        var connectionString = new Option<string?>("--connection-string") { Description = "PostgreSQL connection string (default: Database__ConnectionString)." };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Folder of the SQLite files (default: Database__DataDirectory, else ./data)." };
        var version = new Option<string?>("--version") { Description = "Shadow policy version (default: the newest one drafts recorded)." };

        var compare = new Command("compare", "Compare the shadow policy's would-be sends with the live policy's sends and agents' decisions.") { version, provider, connectionString, dataDirectory };
        compare.SetAction(async (parse, cancellationToken) =>
        {
            var database = new DraftingDatabase(CliConfiguration.Database(parse.GetValue(provider), parse.GetValue(connectionString), parse.GetValue(dataDirectory)));
            var report = await ShadowComparison.CompareAsync(database, parse.GetValue(version), cancellationToken);
            if (report is null)
            {
                AnsiConsole.MarkupLine("No draft was judged by a shadow policy yet ([bold]copilot calibrate ... --store --shadow[/] stores one).");
                return 1;
            }

            var table = new Table().Title($"{report.Drafts} drafts judged by both").AddColumn("policy").AddColumn("sent").AddColumn("agent-decided").AddColumn("approved unchanged").AddColumn("precision on decided");
            foreach (var (role, tally) in new[] { ("live", report.Live), ("shadow", report.Shadow) })
            {
                table.AddRow($"{role} {Markup.Escape(tally.Version)}", I(tally.Sent), I(tally.Labelled), I(tally.ApprovedUnchanged), tally.Precision is { } p ? p.ToString("0.000", CultureInfo.InvariantCulture) : "-");
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"Same decision on {report.Agree} of {report.Drafts}.");
            AnsiConsole.MarkupLineInterpolated($"Only the shadow would have sent: {Describe(report.OnlyShadow)}");
            AnsiConsole.MarkupLineInterpolated($"Only the live policy sent: {Describe(report.OnlyLive)}");
            return 0;
        });

        var promoteVersion = new Argument<string>("version") { Description = "The stored policy version to make live." };
        var promote = new Command("promote", "Make a stored (shadow) policy the live one.") { promoteVersion, provider, connectionString, dataDirectory };
        promote.SetAction(async (parse, cancellationToken) =>
        {
            var database = new DraftingDatabase(CliConfiguration.Database(parse.GetValue(provider), parse.GetValue(connectionString), parse.GetValue(dataDirectory)));
            var name = parse.GetRequiredValue(promoteVersion);
            if (!await new PolicyStore(database, CliConfiguration.Drafting()).PromoteAsync(name, cancellationToken))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]No stored policy '{name}'.[/]");
                return 1;
            }

            AnsiConsole.MarkupLineInterpolated($"Policy [bold]{name}[/] is live; running instances pick it up within {PolicyStore.Refresh.TotalSeconds:0} s.");
            return 0;
        });

        return new Command("shadow", "Shadow policies: compare with the live one, promote.") { compare, promote };
    }

    private static string Describe(IReadOnlyDictionary<string, int> outcomes) =>
        outcomes.Count == 0 ? "none" : string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Value} {o.Key}"));

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
