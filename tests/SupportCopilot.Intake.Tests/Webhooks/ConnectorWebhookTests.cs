using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Intake.Tests.Webhooks;

/// <summary>Every connector's <c>POST /api/webhooks/{connector}</c>, fed its helpdesk's documented payloads.</summary>
public sealed class ConnectorWebhookTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, string, string, string, string?> StoredTickets => new()
    {
        // fixture, external id, subject, body, customer email, customer name, reply address
        { "zendesk", "5158", "Cannot sign in", "Hi,\nI cannot sign in since yesterday. How do I reset my password?\nThanks, Ana", "", "", null },
        { "zendesk-trigger", "5159", "Export to PDF fails", "When I export a page to PDF the app shows an error.\n\nAna", "ana@example.com", "Ana Lima", null },
        { "freshdesk", "1042", "Refund for my yearly plan", "Hello,\n\nI paid for the yearly plan last week.\n\nCan I get a refund?", "bo@example.org", "Bo Berg", null },
        { "intercom", "147", "Hi there,", "Hi there,\n\nthe desktop app does not sync my notes & pages.\n\nWhat can I do?", "cleo@example.com", "Cleo Park", """{"conversationId":"147"}""" },
        { "helpscout", "2391938111", "Two-factor codes are rejected", "My authenticator codes are always rejected.\nI checked the phone's clock.\nPlease help!", "dan@example.net", "Dan Cho", """{"conversationId":"2391938111","customerId":"12"}""" },
        { "chatwoot", "2/88", "Hi! How do I share a page with a guest?", "Hi! How do I share a page with a guest?", "eve@example.com", "Eve Dias", """{"accountId":"2","conversationId":"88"}""" },
        { "chatwoot-conversation", "2/89", "Invoice address", "Please change the address on my invoices to Rua Augusta 10, Lisbon.", "filipa@example.com", "Filipa Reis", """{"accountId":"2","conversationId":"89"}""" },
    };

    [Theory]
    [MemberData(nameof(StoredTickets))]
    public async Task A_signed_webhook_is_stored_with_its_subject_body_customer_and_reply_address(
        string fixture, string externalId, string subject, string body, string email, string name, string? address)
    {
        await AssertStoredAsync(DatabaseProvider.Sqlite, fixture, externalId, subject, body, email, name, address);
    }

    [Theory]
    [MemberData(nameof(StoredTickets))]
    public async Task A_signed_webhook_is_stored_the_same_way_on_PostgreSQL(
        string fixture, string externalId, string subject, string body, string email, string name, string? address)
    {
        await AssertStoredAsync(DatabaseProvider.Postgres, fixture, externalId, subject, body, email, name, address);
    }

    public static TheoryData<string> Connectors => new() { "generic", "zendesk", "freshdesk", "intercom", "helpscout", "chatwoot" };

    public static TheoryData<string> SignedConnectors => new() { "generic", "zendesk", "intercom", "helpscout", "chatwoot" };

    [Theory]
    [MemberData(nameof(SignedConnectors))]
    public async Task A_tampered_body_is_refused_with_401_and_nothing_is_stored(string connector)
    {
        var helpdesk = Helpdesk.Named(connector);
        await using var host = await Helpdesk.StartAsync();
        var body = BodyOf(helpdesk);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("\"", " \"", StringComparison.Ordinal));

        using var response = await host.Unsigned.SendAsync(helpdesk.Request(body, sendInstead: tampered), Token);

        await AssertRefusedAsync(host, response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Connectors))]
    public async Task A_wrong_secret_is_refused_with_401_and_nothing_is_stored(string connector)
    {
        var helpdesk = Helpdesk.Named(connector);
        await using var host = await Helpdesk.StartAsync();

        using var response = await host.Unsigned.SendAsync(helpdesk.Request(BodyOf(helpdesk), secret: "not-the-secret"), Token);

        await AssertRefusedAsync(host, response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Connectors))]
    public async Task A_missing_signature_is_refused_with_401_and_nothing_is_stored(string connector)
    {
        var helpdesk = Helpdesk.Named(connector);
        await using var host = await Helpdesk.StartAsync();

        using var response = await host.Unsigned.SendAsync(helpdesk.Request(BodyOf(helpdesk), secret: null), Token);

        await AssertRefusedAsync(host, response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("generic")]
    [InlineData("zendesk")]
    [InlineData("chatwoot")]
    public async Task A_signature_timestamp_older_than_five_minutes_is_refused(string connector)
    {
        var helpdesk = Helpdesk.Named(connector);
        await using var host = await Helpdesk.StartAsync();

        using var response = await host.Unsigned.SendAsync(
            helpdesk.Request(BodyOf(helpdesk), at: DateTimeOffset.UtcNow.AddMinutes(-6)), Token);

        var problem = await AssertRefusedAsync(host, response, HttpStatusCode.Unauthorized);
        Assert.Contains("5 minutes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("generic")]
    [InlineData("zendesk")]
    [InlineData("chatwoot")]
    public async Task A_signature_timestamp_four_minutes_old_is_accepted(string connector)
    {
        var helpdesk = Helpdesk.Named(connector);
        await using var host = await Helpdesk.StartAsync();

        using var response = await host.Unsigned.SendAsync(helpdesk.Request(BodyOf(helpdesk), at: DateTimeOffset.UtcNow.AddMinutes(-4)), Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Freshdesk_may_send_the_secret_as_the_basic_auth_password()
    {
        await using var host = await Helpdesk.StartAsync();

        using var accepted = await host.Unsigned.SendAsync(Helpdesk.FreshdeskBasicAuth.Request(Helpdesk.Freshdesk.Payload()), Token);
        using var refused = await host.Unsigned.SendAsync(Helpdesk.FreshdeskBasicAuth.Request(Helpdesk.Freshdesk.Payload(), secret: "wrong"), Token);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    public static TheoryData<string, DatabaseProvider> VendorsOnBothDatabases()
    {
        var data = new TheoryData<string, DatabaseProvider>();
        foreach (var connector in new[] { "zendesk", "zendesk-trigger", "freshdesk", "intercom", "helpscout", "chatwoot" })
        {
            data.Add(connector, DatabaseProvider.Sqlite);
            data.Add(connector, DatabaseProvider.Postgres);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(VendorsOnBothDatabases))]
    public async Task A_redelivery_and_a_repeat_of_the_same_ticket_give_the_first_ticket_and_announce_it_once(string connector, DatabaseProvider provider)
    {
        var helpdesk = Helpdesk.Named(connector);
        await using var host = await Helpdesk.StartAsync(provider);
        var payload = helpdesk.Payload();

        using var first = await SendAsync(host, helpdesk, payload, delivery: "delivery-1");
        using var redelivered = await SendAsync(host, helpdesk, payload, delivery: "delivery-1");
        var repeat = payload.DeepClone();
        NewDeliveryId(repeat);
        using var repeated = await SendAsync(host, helpdesk, repeat, delivery: "delivery-2");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        var ticketId = await TicketIdAsync(first);
        var again = await redelivered.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal(ticketId, again.GetProperty("ticketId").GetGuid());
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal(ticketId, await TicketIdAsync(repeated));
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE '%TicketReceived'"));
    }

    [Theory]
    [InlineData("zendesk")]
    [InlineData("intercom")]
    [InlineData("chatwoot")]
    public async Task A_known_delivery_id_returns_its_ticket_even_when_the_body_names_another(string connector)
    {
        var helpdesk = Helpdesk.Named(connector);
        await using var host = await Helpdesk.StartAsync();
        var payload = helpdesk.Payload();
        using var first = await SendAsync(host, helpdesk, payload, delivery: "delivery-1");
        var other = payload.DeepClone();
        switch (connector)
        {
            case "zendesk":
                other["detail"]!["id"] = "9999";
                break;
            case "intercom":
                other["data"]!["item"]!["id"] = "9999";
                break;
            default:
                other["conversation"]!["display_id"] = 9999;
                break;
        }

        using var again = await SendAsync(host, helpdesk, other, delivery: "delivery-1");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await TicketIdAsync(first), await TicketIdAsync(again));
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT COUNT(*) FROM webhook_deliveries"));
    }

    public static TheoryData<string, string, string> LoopMessages => new()
    {
        // fixture, change, the reason answered
        { "chatwoot", "outgoing", "outgoing_message" },
        { "chatwoot", "outgoing-numeric", "outgoing_message" },
        { "chatwoot", "private", "private_note" },
        { "chatwoot", "agent-sender", "sent_by_agent" },
        { "chatwoot", "activity", "not_an_incoming_message" },
        { "chatwoot-conversation", "no-messages", "no_message_yet" },
        { "intercom", "admin-replied", "admin_authored" },
        { "intercom", "admin-noted", "private_note" },
        { "intercom", "admin-author", "admin_authored" },
        { "zendesk", "agent-comment", "agent_comment" },
        { "zendesk", "private-comment", "private_note" },
        { "zendesk", "private-ticket", "private_note" },
        { "zendesk-trigger", "agent-role", "agent_comment" },
        { "helpscout", "agent-reply-event", "agent_reply" },
        { "helpscout", "note-event", "private_note" },
        { "helpscout", "created-by-agent", "created_by_agent" },
        { "helpscout", "only-a-note", "private_note" },
    };

    [Theory]
    [MemberData(nameof(LoopMessages))]
    public async Task Our_own_messages_and_agents_notes_echoed_back_are_ignored_with_200_and_nothing_stored(string fixture, string change, string reason)
    {
        var helpdesk = Helpdesk.Named(fixture);
        await using var host = await Helpdesk.StartAsync();
        var payload = helpdesk.Payload();
        var eventHeader = Change(payload, change);
        using var request = helpdesk.Request(payload);
        if (eventHeader is not null)
        {
            request.Headers.Remove("X-HelpScout-Event");
            request.Headers.Add("X-HelpScout-Event", eventHeader);
        }

        using var response = await host.Unsigned.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(reason, (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("ignored").GetString());
        Assert.Equal(0, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
        Assert.Equal(0, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages"));
    }

    public static TheoryData<string, string, string> MalformedPayloads => new()
    {
        // fixture, change, the field the problem names
        { "zendesk", "no-ticket-id", "detail.id" },
        { "zendesk-trigger", "no-description", "description" },
        { "freshdesk", "bad-email", "freshdesk_webhook.requester_email" },
        { "freshdesk", "no-envelope", "freshdesk_webhook" },
        { "intercom", "no-item", "data.item" },
        { "intercom", "object-id", "$.data.item.id" },
        { "helpscout", "no-customer", "primaryCustomer" },
        { "chatwoot", "no-account", "account.id" },
        { "chatwoot", "empty-content", "content" },
        { "chatwoot", "array", "$" },
    };

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public async Task A_malformed_payload_gets_a_400_problem_naming_the_field_and_nothing_is_stored(string fixture, string change, string field)
    {
        var helpdesk = Helpdesk.Named(fixture);
        await using var host = await Helpdesk.StartAsync();
        var payload = helpdesk.Payload();
        if (change == "array")
        {
            payload = new JsonArray(1, 2);
        }
        else
        {
            Change(payload, change);
        }

        using var response = await host.Unsigned.SendAsync(helpdesk.Request(payload), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"Expected an error for '{field}' in {errors}");
        Assert.Equal(0, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
    }

    [Theory]
    [MemberData(nameof(Connectors))]
    public async Task Broken_JSON_gets_a_400_problem_not_a_500(string connector)
    {
        var helpdesk = Helpdesk.Named(connector);
        await using var host = await Helpdesk.StartAsync();

        using var response = await host.Unsigned.SendAsync(helpdesk.Request(Encoding.UTF8.GetBytes("""{"id": """)), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("generic", 512)]
    [InlineData("zendesk", 1024)]
    [InlineData("freshdesk", 1024)]
    [InlineData("intercom", 1024)]
    [InlineData("helpscout", 1024)]
    [InlineData("chatwoot", 1024)]
    public async Task A_body_over_the_size_limit_is_refused_with_413_and_nothing_is_stored(string connector, int limitKiB)
    {
        var helpdesk = Helpdesk.Named(connector);
        await using var host = await Helpdesk.StartAsync();
        var body = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', limitKiB * 1024) + "\"}");

        using var response = await host.Unsigned.SendAsync(helpdesk.Request(body), Token);

        await AssertRefusedAsync(host, response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("generic")]
    [InlineData("zendesk")]
    public async Task A_signed_body_sent_without_a_declared_length_is_read_whole_and_stored(string connector)
    {
        var helpdesk = Helpdesk.Named(connector);
        await using var host = await Helpdesk.StartAsync();
        using var request = await WithoutDeclaredLengthAsync(helpdesk.Request(BodyOf(helpdesk)));

        using var response = await host.Unsigned.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
    }

    [Fact]
    public async Task A_body_over_the_size_limit_sent_without_a_declared_length_is_refused_with_413()
    {
        var helpdesk = Helpdesk.Named("generic");
        await using var host = await Helpdesk.StartAsync();
        var body = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 600 * 1024) + "\"}");
        using var request = await WithoutDeclaredLengthAsync(helpdesk.Request(body));

        using var response = await host.Unsigned.SendAsync(request, Token);

        await AssertRefusedAsync(host, response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_long_message_is_cut_to_64_KiB_rather_than_refused()
    {
        await using var host = await Helpdesk.StartAsync();
        var payload = Helpdesk.Chatwoot.Payload();
        payload["content"] = new string('y', 100 * 1024);

        using var response = await host.Unsigned.SendAsync(Helpdesk.Chatwoot.Request(payload), Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = await host.ScalarAsync<string>("SELECT body FROM tickets");
        Assert.True(Encoding.UTF8.GetByteCount(stored) <= 64 * 1024);
        Assert.EndsWith("[…]", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connector_that_is_not_enabled_answers_404_connector_not_enabled()
    {
        await using var host = await Helpdesk.StartAsync(extra: new Dictionary<string, string?> { ["Intake:Connectors:Zendesk:Enabled"] = "false" });

        using var response = await host.Unsigned.SendAsync(Helpdesk.Zendesk.Request(Helpdesk.Zendesk.Payload()), Token);

        await AssertRefusedAsync(host, response, HttpStatusCode.NotFound, "Connector not enabled.");
    }

    [Fact]
    public async Task Connectors_other_than_generic_are_off_unless_enabled()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);

        foreach (var helpdesk in Helpdesk.Vendors)
        {
            using var response = await host.Unsigned.SendAsync(helpdesk.Request(helpdesk.Payload()), Token);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task An_unknown_connector_answers_404()
    {
        await using var host = await Helpdesk.StartAsync();

        using var response = await host.Unsigned.PostAsync("/api/webhooks/kayako", new StringContent("{}", Encoding.UTF8, "application/json"), Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task AssertStoredAsync(
        DatabaseProvider provider, string fixture, string externalId, string subject, string body, string email, string name, string? address)
    {
        var helpdesk = Helpdesk.Named(fixture);
        await using var host = await Helpdesk.StartAsync(provider);

        using var response = await host.Unsigned.SendAsync(helpdesk.Request(helpdesk.Payload()), Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ticketId = await TicketIdAsync(response);
        Assert.Equal($"/api/tickets/{ticketId}", response.Headers.Location?.OriginalString);
        var ticket = await host.Http.GetFromJsonAsync<JsonElement>($"/api/tickets/{ticketId}", Token);
        Assert.Equal(helpdesk.Connector, ticket.GetProperty("connector").GetString());
        Assert.Equal(externalId, ticket.GetProperty("externalId").GetString());
        Assert.Equal(subject, ticket.GetProperty("subject").GetString());
        Assert.Equal(body, ticket.GetProperty("body").GetString());
        Assert.Equal(email, ticket.GetProperty("customer").GetProperty("email").GetString());
        Assert.Equal(name, ticket.GetProperty("customer").GetProperty("name").GetString());
        var stored = await host.ScalarAsync<string?>("SELECT reply_address FROM tickets");
        if (address is null)
        {
            Assert.Null(stored);
        }
        else
        {
            var expected = JsonNode.Parse(address)!.AsObject();
            var actual = JsonNode.Parse(stored!)!.AsObject();
            foreach (var (key, value) in actual)
            {
                Assert.Equal(expected[key]?.GetValue<string>(), value?.GetValue<string>());
            }
        }

        Assert.Equal(1, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE '%TicketReceived'"));
    }

    private static async Task<JsonElement> AssertRefusedAsync(IntakeHost host, HttpResponseMessage response, HttpStatusCode status, string? title = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        if (title is not null)
        {
            Assert.Equal(title, problem.GetProperty("title").GetString());
        }

        Assert.Equal(0, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
        Assert.Equal(0, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages"));
        return problem;
    }

    /// <summary>The same request sent in chunks, with no Content-Length, as some proxies forward a body.</summary>
    private static async Task<HttpRequestMessage> WithoutDeclaredLengthAsync(HttpRequestMessage request)
    {
        var declared = request.Content!;
        var content = new UndeclaredLengthContent(await declared.ReadAsByteArrayAsync(Token));
        content.Headers.ContentType = declared.Headers.ContentType;
        request.Content = content;
        declared.Dispose();
        return request;
    }

    private static byte[] BodyOf(Helpdesk helpdesk) =>
        helpdesk.Connector == "generic"
            ? JsonSerializer.SerializeToUtf8Bytes(Tickets.Valid(), new JsonSerializerOptions(JsonSerializerDefaults.Web))
            : Encoding.UTF8.GetBytes(helpdesk.Payload().ToJsonString());

    private static Task<HttpResponseMessage> SendAsync(IntakeHost host, Helpdesk helpdesk, JsonNode payload, string delivery)
    {
        var request = helpdesk.Request(payload);
        request.Headers.Add("X-Chatwoot-Delivery", delivery);
        request.Headers.Add("X-Zendesk-Webhook-Invocation-Id", delivery);
        return host.Unsigned.SendAsync(request, Token);
    }

    /// <summary>The helpdesk sending the same ticket again in a new delivery (a new event or notification id).</summary>
    private static void NewDeliveryId(JsonNode payload)
    {
        if (payload["type"]?.GetValue<string>() is "notification_event" || payload["type"]?.GetValue<string>()?.StartsWith("zen:", StringComparison.Ordinal) == true)
        {
            payload["id"] = Guid.NewGuid().ToString();
        }
    }

    private static async Task<Guid> TicketIdAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("ticketId").GetGuid();

    /// <summary>Applies a named change to a fixture; returns a Help Scout event to send instead, if the change is one.</summary>
    private static string? Change(JsonNode payload, string change)
    {
        switch (change)
        {
            case "outgoing": payload["message_type"] = "outgoing"; break;
            case "outgoing-numeric": payload["message_type"] = 1; break;
            case "private": payload["private"] = true; break;
            case "agent-sender": payload["sender"]!["type"] = "user"; break;
            case "activity": payload["message_type"] = "activity"; break;
            case "no-messages": payload["messages"] = new JsonArray(); break;
            case "admin-replied": payload["topic"] = "conversation.admin.replied"; break;
            case "admin-noted": payload["topic"] = "conversation.admin.noted"; break;
            case "admin-author": payload["data"]!["item"]!["conversation_message"]!["author"]!["type"] = "admin"; break;
            case "agent-comment":
                payload["type"] = "zen:event-type:ticket.comment_added";
                payload["event"] = JsonNode.Parse("""{"comment":{"id":"1","body":"Our reply","is_public":true,"author":{"id":"900","name":"SupportCopilot","is_staff":true}}}""");
                break;
            case "private-comment":
                payload["type"] = "zen:event-type:ticket.comment_added";
                payload["event"] = JsonNode.Parse("""{"comment":{"id":"1","body":"Note","is_public":false,"author":{"id":"900","is_staff":true}}}""");
                break;
            case "private-ticket": payload["detail"]!["is_public"] = false; break;
            case "agent-role": payload["current_user_role"] = "Agent"; break;
            case "agent-reply-event": return "convo.agent.reply.created";
            case "note-event": return "convo.note.created";
            case "created-by-agent": payload["createdBy"]!["type"] = "user"; break;
            case "only-a-note": payload["_embedded"]!["threads"]![0]!["type"] = "note"; break;
            case "no-ticket-id": payload["detail"]!.AsObject().Remove("id"); break;
            case "no-description": payload.AsObject().Remove("description"); break;
            case "bad-email": payload["freshdesk_webhook"]!["requester_email"] = "not an email"; break;
            case "no-envelope": payload.AsObject().Remove("freshdesk_webhook"); break;
            case "no-item": payload["data"]!.AsObject().Remove("item"); break;
            case "object-id": payload["data"]!["item"]!["id"] = new JsonObject(); break;
            case "no-customer": payload.AsObject().Remove("primaryCustomer"); break;
            case "no-account": payload.AsObject().Remove("account"); break;
            case "empty-content": payload["content"] = ""; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        return null;
    }

    private sealed class UndeclaredLengthContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
