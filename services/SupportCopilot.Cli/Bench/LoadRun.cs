using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SupportCopilot.Cli.Bench;

/// <summary>What a load run sends and where.</summary>
/// <param name="Target">Intake's base URL.</param>
/// <param name="Rate">Webhooks per second, on schedule whatever the answers (open model).</param>
/// <param name="WebhookSecret">The generic connector's secret; unsigned when null (standalone takes that from loopback).</param>
/// <param name="ApiKey">Sent as <c>Authorization: Bearer</c> on every API call (not on webhooks, which are signed).</param>
/// <param name="Connections">HTTP connections to Intake at most; requests beyond wait for one (and their wait counts as latency).</param>
internal sealed record LoadOptions(
    Uri Target,
    double Rate,
    TimeSpan Duration,
    string? WebhookSecret = null,
    string? ApiKey = null,
    int Connections = 64)
{
    /// <summary>Sets the run's external ids apart from every other run's; a <c>with</c> copy keeps it unless it sets one.</summary>
    public string RunId { get; init; } = NewRunId();

    public string Prefix => "LOAD-" + RunId + "-";

    public static string NewRunId() => Guid.NewGuid().ToString("N")[..8];

    public int Tickets => (int)Math.Round(Rate * Duration.TotalSeconds);
}

/// <summary>One webhook of the run, from its scheduled time to its final state.</summary>
internal sealed class SentTicket(int index, string externalId, TimeSpan scheduledAt)
{
    public int Index { get; } = index;

    public string ExternalId { get; } = externalId;

    /// <summary>When it was due, from the start of the run: latencies count from here, so a slow server cannot hide its queue.</summary>
    public TimeSpan ScheduledAt { get; } = scheduledAt;

    public Guid TicketId { get; set; }

    /// <summary>From due to the 2xx, retries of failed attempts included (a helpdesk retries a webhook that failed).</summary>
    public TimeSpan? AcceptLatency { get; set; }

    public DateTimeOffset AcceptedAt { get; set; }

    public int FailedAttempts { get; set; }

    public string? LastError { get; set; }

    public string? Status { get; set; }

    public TimeSpan? EndToEnd { get; set; }

    public Guid? FailedReplyDraftId { get; set; }
}

/// <summary>
/// Drives signed generic webhooks at a steady rate with realistic ticket texts, then follows every
/// ticket to its final state and checks the helpdesk stand-in got each reply exactly once.
/// </summary>
internal sealed class LoadRun : IDisposable
{
    public static readonly IReadOnlySet<string> TerminalStatuses = new HashSet<string> { "auto_sent", "sent", "in_review", "rejected" };

    /// <summary>How long a helpdesk keeps retrying a webhook that failed (network error, 5xx, 429).</summary>
    private static readonly TimeSpan WebhookRetryBudget = TimeSpan.FromMinutes(3);

    private readonly LoadOptions _options;
    private readonly HttpClient _http;
    private readonly Stopwatch _clock = new();
    private readonly DateTimeOffset _startedAt;
    private long _inFlight;

    public LoadRun(LoadOptions options)
    {
        _options = options;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Connections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = options.Target,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (options.ApiKey is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        }

        _startedAt = DateTimeOffset.UtcNow;
        Tickets = Enumerable.Range(0, options.Tickets)
            .Select(i => new SentTicket(i, options.Prefix + i.ToString("D6", CultureInfo.InvariantCulture), TimeSpan.FromSeconds(i / options.Rate)))
            .ToArray();
    }

    public IReadOnlyList<SentTicket> Tickets { get; }

    public TimeSpan Duration => _options.Duration;

    /// <summary>Time since the run started (for marking faults on the timeline).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>From the first webhook due to the last one accepted (or given up on).</summary>
    public TimeSpan SendingTook { get; private set; }

    /// <summary>Sends every webhook on schedule; returns when each was accepted (or its retries ran out).</summary>
    public async Task SendAsync(CancellationToken cancellationToken)
    {
        _clock.Start();
        var sends = new List<Task>(Tickets.Count);
        var next = 0;
        while (next < Tickets.Count)
        {
            var now = _clock.Elapsed;
            while (next < Tickets.Count && Tickets[next].ScheduledAt <= now)
            {
                sends.Add(SendOneAsync(Tickets[next], cancellationToken));
                next++;
            }

            if (next < Tickets.Count)
            {
                // Sleep, never spin: spinning through gaps under a millisecond took most of a core
                // from the system under test at 4,000/s. A timer wakes up to about a millisecond
                // late; that lateness counts in the accept latency (measured from when a webhook
                // was due), so it can only make our figures worse, never better.
                var wait = Tickets[next].ScheduledAt - _clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait < MinimumSleep ? MinimumSleep : wait, cancellationToken);
                }
            }
        }

        await Task.WhenAll(sends);
        SendingTook = _clock.Elapsed;
    }

    // Task.Delay rounds a wait down to whole milliseconds: anything shorter would not sleep at all.
    private static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(1);

    /// <summary>Posts the same ticket <paramref name="times"/> times at once, as a helpdesk retrying over a flaky network might.</summary>
    public async Task<IReadOnlyList<(HttpStatusCode Status, Guid TicketId)>> SendConcurrentlyAsync(SentTicket ticket, int times, CancellationToken cancellationToken)
    {
        var body = Body(ticket);
        var answers = await Task.WhenAll(Enumerable.Range(0, times).Select(async _ =>
        {
            using var response = await _http.SendAsync(Webhook(body), cancellationToken);
            var ticketId = response.IsSuccessStatusCode
                ? (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("ticketId").GetGuid()
                : Guid.Empty;
            return (response.StatusCode, ticketId);
        }));
        ticket.TicketId = answers.Select(a => a.ticketId).FirstOrDefault(id => id != Guid.Empty);
        ticket.AcceptedAt = DateTimeOffset.UtcNow;
        return answers;
    }

    private async Task SendOneAsync(SentTicket ticket, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            var body = Body(ticket);
            var delay = TimeSpan.FromMilliseconds(200);
            var giveUpAt = _clock.Elapsed + WebhookRetryBudget;
            while (true)
            {
                try
                {
                    using var response = await _http.SendAsync(Webhook(body), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                        ticket.TicketId = accepted.GetProperty("ticketId").GetGuid();
                        ticket.AcceptLatency = _clock.Elapsed - ticket.ScheduledAt;
                        ticket.AcceptedAt = DateTimeOffset.UtcNow;
                        return;
                    }

                    ticket.LastError = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
                    if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
                    {
                        // Our request is wrong: retrying the same bytes cannot help.
                        ticket.FailedAttempts++;
                        return;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    ticket.LastError = ex.GetType().Name + ": " + ex.Message;
                }

                ticket.FailedAttempts++;
                if (_clock.Elapsed > giveUpAt)
                {
                    return;
                }

                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2_000));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private HttpRequestMessage Webhook(byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/generic") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        if (_options.WebhookSecret is { } secret)
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray());
            request.Headers.Add("X-SupportCopilot-Timestamp", timestamp);
            request.Headers.Add("X-SupportCopilot-Signature", "sha256=" + Convert.ToHexStringLower(mac));
        }

        return request;
    }

    private static byte[] Body(SentTicket ticket)
    {
        var text = TicketTexts.All[ticket.Index % TicketTexts.All.Count];
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            externalId = ticket.ExternalId,
            subject = text.Subject,
            body = text.Body,
            customer = new { email = $"customer{ticket.Index % 997}@example.com", name = $"Customer {ticket.Index % 997}" },
            language = "en",
        });
    }

    /// <summary>
    /// Follows every accepted ticket until it is in a final state (a reply that failed for good counts
    /// as one: it waits for an operator) or <paramref name="patience"/> runs out, then records where
    /// each one ended and how long it took. Each round asks about the oldest open tickets only
    /// (<see cref="FollowWindow"/>): the queues are first in, first out, so the newer ones are not done
    /// either, and asking about thousands of them every second took CPU from the system under test on
    /// the same machine. Latencies come from the server's timestamps, so how late a ticket is asked
    /// about does not change them. After the deadline one last round asks about every ticket left.
    /// </summary>
    public async Task FollowAsync(HelpdeskSink helpdesk, TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + patience;
        var open = Tickets.Where(t => t.TicketId != Guid.Empty).ToList();
        var delay = TimeSpan.FromMilliseconds(100);
        while (open.Count > 0)
        {
            var lastRound = DateTime.UtcNow > deadline;
            var asked = lastRound ? open : open.Take(FollowWindow).ToList();
            await AskAsync(asked, helpdesk, cancellationToken);
            var before = open.Count;
            open = open.Where(t => !IsSettled(t, helpdesk) && t.FailedReplyDraftId is null).ToList();
            if (open.Count == 0 || lastRound)
            {
                return;
            }

            if (before - open.Count == asked.Count)
            {
                // Every ticket asked about was done: the next ones may be too.
                delay = TimeSpan.FromMilliseconds(100);
                continue;
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1_000));
        }
    }

    /// <summary>How many open tickets one round of <see cref="FollowAsync"/> asks about.</summary>
    public const int FollowWindow = 256;

    private async Task AskAsync(IReadOnlyList<SentTicket> tickets, HelpdeskSink helpdesk, CancellationToken cancellationToken)
    {
        var failed = await FailedRepliesAsync(cancellationToken);
        var views = new ConcurrentDictionary<SentTicket, JsonElement?>();
        await Parallel.ForEachAsync(tickets, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (ticket, ct) =>
            views[ticket] = await TicketAsync(ticket.TicketId, ct));
        foreach (var (ticket, view) in views)
        {
            ticket.Status = view?.GetProperty("status").GetString() ?? "missing";
            ticket.FailedReplyDraftId = failed.TryGetValue(ticket.TicketId, out var draftId) ? draftId : null;
            if (view is { } v && (IsSettled(ticket, helpdesk) || ticket.FailedReplyDraftId is not null))
            {
                var finishedAt = helpdesk.DeliveredAt(ticket.TicketId) ?? v.GetProperty("updatedAt").GetDateTimeOffset();
                ticket.EndToEnd = finishedAt - ticket.AcceptedAt;
            }
        }
    }

    /// <summary>Asks Intake to deliver every failed reply again (what an operator does once the helpdesk is back).</summary>
    public async Task<int> RetryFailedRepliesAsync(CancellationToken cancellationToken)
    {
        var retried = 0;
        foreach (var draftId in (await FailedRepliesAsync(cancellationToken)).Values)
        {
            using var response = await _http.PostAsync($"/api/replies/{draftId}/retry", content: null, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                retried++;
            }
        }

        return retried;
    }

    /// <summary>A ticket is settled in a final state, and when that state means a reply, the helpdesk has it.</summary>
    private static bool IsSettled(SentTicket ticket, HelpdeskSink helpdesk) =>
        ticket.Status is { } status && TerminalStatuses.Contains(status)
        && (status is not ("auto_sent" or "sent") || helpdesk.Deliveries.ContainsKey(ticket.TicketId));

    private async Task<JsonElement?> TicketAsync(Guid ticketId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync($"/api/tickets/{ticketId}", cancellationToken);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private async Task<Dictionary<Guid, Guid>> FailedRepliesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var list = await _http.GetFromJsonAsync<JsonElement>("/api/replies/failed", cancellationToken);
            return list.EnumerateArray().ToDictionary(r => r.GetProperty("ticketId").GetGuid(), r => r.GetProperty("draftId").GetGuid());
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }

    public LoadReport Report(HelpdeskSink helpdesk, TimeSpan? sendDuration = null) =>
        LoadReport.From(_options, Tickets, helpdesk, sendDuration ?? SendingTook, _startedAt);

    public void Dispose() => _http.Dispose();
}
