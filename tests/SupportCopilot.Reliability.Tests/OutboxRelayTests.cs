using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Reliability.Tests;

/// <summary>
/// The relay's batching: commits that arrive while it lingers share one pass, and no commit's
/// wake-up is lost (with a poll interval of minutes, a lost one would leave its row unsent).
/// </summary>
public sealed class OutboxRelayTests
{
    private const int Commits = 40;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Commits_arriving_while_the_relay_lingers_share_a_pass_and_every_one_is_published_once_signalled(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        using var host = Relay(test, linger: "00:00:00.300");
        await host.StartAsync(TestContext.Current.CancellationToken);
        var harness = host.Services.GetRequiredService<ITestHarness>();
        await harness.Start();
        var database = host.Services.GetRequiredService<RelayedDatabase>();

        var sent = new List<Guid>();
        for (var i = 0; i < Commits; i++)
        {
            var ticket = Ticket(i);
            await using var transaction = await database.BeginAsync(TestContext.Current.CancellationToken);
            await transaction.PublishAsync(new TicketReceived(ticket), TestContext.Current.CancellationToken);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
            sent.Add(ticket.TicketId);
        }

        // Only the commits' signals can wake the relay here: its poll comes once every ten minutes.
        await Eventually.MatchesAsync(() => UnsentAsync(database), unsent => unsent == 0, TimeSpan.FromSeconds(60), "every outbox row relayed");
        await Eventually.MatchesAsync(
            () => Task.FromResult(harness.Published.Select<TicketReceived>().Select(m => m.Context.Message.Ticket.TicketId).Distinct().Count()),
            published => published == Commits,
            TimeSpan.FromSeconds(30),
            "every ticket published");
        Assert.Equal(sent.Order(), harness.Published.Select<TicketReceived>().Select(m => m.Context.Message.Ticket.TicketId).Distinct().Order());

        // One pass marks its rows with one timestamp: fewer passes than rows means rows shared a pass.
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var passes = await connection.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT sent_at) FROM outbox_messages");
        Assert.InRange(passes, 1, Commits / 2);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_linger_outside_zero_to_one_second_is_refused_at_start()
    {
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        using var host = Relay(test, linger: "00:00:02");

        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Outbox:BatchLinger", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signal_given_after_the_relay_woke_wakes_it_again()
    {
        var signal = new OutboxSignal();
        signal.Notify();
        signal.Notify();

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        signal.Notify();

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken));
    }

    private static IHost Relay(TestDatabase test, string linger)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = test.Settings.Provider.ToString(),
            ["Database:ConnectionString"] = test.Settings.ConnectionString,
            ["Database:DataDirectory"] = test.Settings.DataDirectory,
            ["Outbox:PollInterval"] = "00:10:00",
            ["Outbox:BatchLinger"] = linger,
        });
        builder.Services.AddServiceDatabase<RelayedDatabase>(builder.Configuration, []);
        builder.Services.AddMassTransitTestHarness();
        return builder.Build();
    }

    private static async Task<long> UnsentAsync(ServiceDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NULL");
    }

    private static TicketContent Ticket(int i) => new(
        Guid.CreateVersion7(), "generic", "relay-" + i, "Subject " + i, "Body " + i, new Customer("c@example.com", "C"), "en", DateTimeOffset.UtcNow);

    private sealed class RelayedDatabase(DatabaseSettings settings) : ServiceDatabase("relayed", settings);
}
