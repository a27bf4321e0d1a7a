using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Intake.Tests;

public sealed class GenericWebhookTests
{
    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_valid_ticket_is_committed_answered_202_and_announced_once(DatabaseProvider provider)
    {
        await using var host = await IntakeHost.StartAsync(provider);

        using var response = await host.PostTicketAsync(Tickets.Valid());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ticketId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticketId").GetGuid();
        Assert.Equal($"/api/tickets/{ticketId}", response.Headers.Location?.OriginalString);
        var ticket = await host.Http.GetFromJsonAsync<JsonElement>($"/api/tickets/{ticketId}");
        Assert.Equal("received", ticket.GetProperty("status").GetString());
        Assert.Equal("ana@example.com", ticket.GetProperty("customer").GetProperty("email").GetString());
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE '%TicketReceived'"));
        await Eventually.MatchesAsync(
            () => host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NULL"), unsent => unsent == 0, what: "The outbox relay");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_same_external_id_five_times_at_once_gives_one_ticket_and_one_message(DatabaseProvider provider)
    {
        await using var host = await IntakeHost.StartAsync(provider);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => host.PostTicketAsync(Tickets.Valid("ZD-dup"))));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticketId").GetGuid()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages"));
    }

    public static TheoryData<string, string> InvalidTickets => new()
    {
        { """{"subject":"s","body":"b","customer":{"email":"a@example.com","name":"A"}}""", "externalId" },
        { """{"externalId":"1","subject":"","body":"b","customer":{"email":"a@example.com","name":"A"}}""", "subject" },
        { """{"externalId":"1","subject":"s","body":"  ","customer":{"email":"a@example.com","name":"A"}}""", "body" },
        { """{"externalId":"1","subject":"s","body":"b"}""", "customer" },
        { """{"externalId":"1","subject":"s","body":"b","customer":{"email":"not-an-email","name":"A"}}""", "customer.email" },
        { """{"externalId":"1","subject":"s","body":"b","customer":{"email":"a@example.com","name":""}}""", "customer.name" },
        { """{"externalId":"1","subject":"s","body":"b","customer":{"email":"a@example.com","name":"A"},"language":"english!"}""", "language" },
        { """{"externalId":"1","subject":"s","body":"b","customer":{"email":"a@example.com",""", "$.customer" },
        { """{"externalId":1,"subject":"s","body":"b","customer":{"email":"a@example.com","name":"A"}}""", "$.externalId" },
        { """[1,2]""", "$" },
    };

    [Theory]
    [MemberData(nameof(InvalidTickets))]
    public async Task An_invalid_ticket_gets_a_problem_naming_the_field_and_changes_nothing(string json, string field)
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);

        using var response = await host.Http.PostAsync("/api/webhooks/generic", new StringContent(json, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, field);
        Assert.Equal(0, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
        Assert.Equal(0, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages"));
    }

    [Fact]
    public async Task Several_bad_fields_are_all_named_in_one_problem()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);

        using var response = await host.Http.PostAsync(
            "/api/webhooks/generic",
            new StringContent("""{"externalId":"","customer":{"email":"x"}}""", Encoding.UTF8, "application/json"));

        var errors = await AssertProblemAsync(response, "externalId");
        Assert.True(errors.TryGetProperty("subject", out _));
        Assert.True(errors.TryGetProperty("body", out _));
        Assert.True(errors.TryGetProperty("customer.email", out _));
        Assert.True(errors.TryGetProperty("customer.name", out _));
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused_and_nothing_is_stored()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);

        using var response = await host.PostTicketAsync(Tickets.Valid(body: new string('x', 64 * 1024 + 1)));

        await AssertProblemAsync(response, "body");
        Assert.Equal(0, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
    }

    [Fact]
    public async Task A_body_of_exactly_64_KiB_is_accepted()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);

        using var response = await host.PostTicketAsync(Tickets.Valid(body: new string('x', 64 * 1024)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_form_post_instead_of_json_is_refused_naming_the_content_type()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);

        using var response = await host.Http.PostAsync(
            "/api/webhooks/generic", new FormUrlEncodedContent(new Dictionary<string, string> { ["externalId"] = "1" }));

        await AssertProblemAsync(response, "contentType");
        Assert.Equal(0, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
    }

    [Fact]
    public async Task An_unknown_ticket_id_is_a_404_problem()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);

        using var response = await host.Http.GetAsync($"/api/tickets/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_ticket_and_failed_reply_apis_need_a_key_and_a_webhook_does_not()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);
        var accepted = await host.Http.PostAsJsonAsync("/api/webhooks/generic", new
        {
            externalId = "AUTH-1",
            subject = "Forgot my password",
            body = "How do I reset it?",
            customer = new { email = "ana@example.com", name = "Ana" },
        });
        var ticketId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticketId").GetGuid();

        using var anonymousTicket = await host.Unsigned.GetAsync($"/api/tickets/{ticketId}");
        using var anonymousFailed = await host.Unsigned.GetAsync("/api/replies/failed");
        using var anonymousRetry = await host.Unsigned.PostAsync($"/api/replies/{Guid.NewGuid()}/retry", null);
        using var wrongKey = new HttpRequestMessage(HttpMethod.Get, $"/api/tickets/{ticketId}");
        wrongKey.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "sc_wrong");
        using var wrongKeyResponse = await host.Unsigned.SendAsync(wrongKey);
        using var withKey = await host.Http.GetAsync($"/api/tickets/{ticketId}");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousTicket.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousFailed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousRetry.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKeyResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"Expected an error for '{field}' in {errors}");
        return errors;
    }
}
