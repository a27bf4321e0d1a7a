using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SupportCopilot.Cli.Bench;

/// <summary>How the helpdesk stand-in answers, switchable mid-run to play a helpdesk having a bad day.</summary>
internal enum HelpdeskMood
{
    Healthy,

    /// <summary>500 to everything.</summary>
    Failing,

    /// <summary>Holds every request until the caller gives up; nothing is taken.</summary>
    Hanging,

    /// <summary>429 with <c>Retry-After: 1</c>.</summary>
    Throttling,
}

/// <summary>
/// A local helpdesk that takes generic-connector replies. It counts a reply as delivered only when
/// it answered 2xx, per ticket, so the run can prove every reply arrived exactly once. Like a helpdesk
/// that honours the documented <c>Idempotency-Key</c> (the draft id), it takes a repeated post of a
/// draft it already has as a success without showing the customer a second answer; such repeats are
/// counted apart (<see cref="RepeatedPosts"/>): they happen when our attempt timed out after the
/// helpdesk had taken the post. A second draft for the same ticket is a duplicate answer.
/// </summary>
internal sealed class HelpdeskSink : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<Guid, int> _deliveries = new();
    private readonly ConcurrentDictionary<string, byte> _keys = new();
    private long _repeated;
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _firstDelivery = new();
    private long _refused;
    private volatile HelpdeskMood _mood;

    private HelpdeskSink(WebApplication app) => _app = app;

    public Uri CallbackUrl { get; private set; } = null!;

    public HelpdeskMood Mood
    {
        get => _mood;
        set => _mood = value;
    }

    /// <summary>Replies answered with anything but 2xx (or abandoned by the caller).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Posts of a draft already taken, recognised by their Idempotency-Key and not shown again.</summary>
    public long RepeatedPosts => Interlocked.Read(ref _repeated);

    /// <summary>How many replies (distinct drafts) each ticket's customer was shown.</summary>
    public IReadOnlyDictionary<Guid, int> Deliveries => _deliveries;

    public DateTimeOffset? DeliveredAt(Guid ticketId) => _firstDelivery.TryGetValue(ticketId, out var at) ? at : null;

    public static async Task<HelpdeskSink> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new HelpdeskSink(app);
        app.MapPost("/replies", (Delegate)sink.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink.CallbackUrl = new Uri(new Uri(address), "/replies");
        return sink;
    }

    private async Task<IResult> ReceiveAsync(HttpContext http)
    {
        switch (_mood)
        {
            case HelpdeskMood.Failing:
                Interlocked.Increment(ref _refused);
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            case HelpdeskMood.Throttling:
                Interlocked.Increment(ref _refused);
                http.Response.Headers.RetryAfter = "1";
                return Results.StatusCode(StatusCodes.Status429TooManyRequests);
            case HelpdeskMood.Hanging:
                Interlocked.Increment(ref _refused);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The caller gave up; nothing was taken.
                }

                return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
        }

        var reply = await JsonSerializer.DeserializeAsync<ReplyBody>(http.Request.Body, Json, http.RequestAborted);
        if (reply is null || reply.TicketId == Guid.Empty)
        {
            return Results.BadRequest();
        }

        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault() ?? Guid.NewGuid().ToString();
        if (!_keys.TryAdd(key, 0))
        {
            Interlocked.Increment(ref _repeated);
            return Results.Ok();
        }

        _firstDelivery.TryAdd(reply.TicketId, DateTimeOffset.UtcNow);
        _deliveries.AddOrUpdate(reply.TicketId, 1, (_, count) => count + 1);
        return Results.Ok();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class ReplyBody
    {
        public Guid TicketId { get; init; }
    }
}
