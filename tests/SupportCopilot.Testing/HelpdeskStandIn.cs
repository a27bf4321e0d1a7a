using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SupportCopilot.Testing;

/// <summary>A request the stand-in received: its idempotency key and raw JSON body.</summary>
public sealed record ReceivedReply(string? IdempotencyKey, string Body);

/// <summary>
/// A local HTTP server standing in for a helpdesk's reply API: records every reply it is sent,
/// and can be told to fail the next N requests.
/// </summary>
public sealed class HelpdeskStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedReply> _replies = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private int _failuresLeft;

    private HelpdeskStandIn(WebApplication app) => _app = app;

    public Uri CallbackUrl { get; private set; } = null!;

    public IReadOnlyCollection<ReceivedReply> Replies => _replies.ToArray();

    /// <summary>Requests answered with 503 before the stand-in starts accepting again.</summary>
    public int FailuresLeft => Volatile.Read(ref _failuresLeft);

    public static async Task<HelpdeskStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new HelpdeskStandIn(app);
        app.MapPost("/replies", standIn.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.CallbackUrl = new Uri(new Uri(address), "/replies");
        return standIn;
    }

    public void FailNext(int requests) => Interlocked.Exchange(ref _failuresLeft, requests);

    /// <summary>Waits until <paramref name="count"/> replies were accepted, or fails after the timeout.</summary>
    public async Task WaitForRepliesAsync(int count, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (_replies.Count < count)
        {
            try
            {
                await _arrived.WaitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The helpdesk stand-in received {_replies.Count} of {count} replies in {timeout}.");
            }
        }
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        Interlocked.Exchange(ref _failuresLeft, 0);
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        _replies.Enqueue(new ReceivedReply(request.Headers["Idempotency-Key"].FirstOrDefault(), body));
        _arrived.Release();
        return Results.Ok();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }
}
