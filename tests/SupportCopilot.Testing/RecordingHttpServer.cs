using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SupportCopilot.Testing;

/// <summary>One request a <see cref="RecordingHttpServer"/> received, and the status it answered (0: the client gave up first).</summary>
public sealed record RecordedRequest(
    string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, int Status, DateTimeOffset ReceivedAt, string Query = "")
{
    public bool Accepted => Status is >= 200 and < 300;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>How a <see cref="RecordingHttpServer"/> answers one request.</summary>
public sealed record StandInResponse(int Status, string Body = "{}", TimeSpan? RetryAfter = null, bool Hang = false)
{
    public static StandInResponse Ok(string body = "{}") => new(StatusCodes.Status200OK, body);

    public static StandInResponse Fail(int status = StatusCodes.Status500InternalServerError) => new(status, """{"error":"stand-in failure"}""");

    public static StandInResponse TooManyRequests(TimeSpan retryAfter) => new(StatusCodes.Status429TooManyRequests, """{"error":"slow down"}""", retryAfter);

    /// <summary>Never answers: the client's timeout ends the request, which is not accepted.</summary>
    public static StandInResponse NoAnswer() => new(0, Hang: true);
}

/// <summary>
/// A local HTTP server standing in for any helpdesk API: records every request (method, path,
/// headers, body) and answers from a script (<see cref="Enqueue"/>), then with <see cref="Default"/>.
/// </summary>
public sealed class RecordingHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<StandInResponse> _script = new();
    private readonly CancellationTokenSource _stopping = new();

    private RecordingHttpServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The answer once the script is used up (200 with <c>{}</c> unless changed).</summary>
    public StandInResponse Default { get; set; } = StandInResponse.Ok();

    /// <summary>Answers for particular paths (e.g. an OAuth token endpoint), ahead of the script.</summary>
    public ConcurrentDictionary<string, StandInResponse> ByPath { get; } = new();

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>
    /// Runs once a request has been read and before its answer is written: a test's way to make
    /// something happen after the stand-in took a request but before the caller learns it did.
    /// </summary>
    public Func<Task>? BeforeAnswering { get; set; }

    /// <summary>The requests that were answered 2xx, excluding those answered from <see cref="ByPath"/>.</summary>
    public IReadOnlyList<RecordedRequest> Accepted => [.. _requests.Where(r => r.Accepted && !ByPath.ContainsKey(r.Path))];

    public static async Task<RecordingHttpServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new RecordingHttpServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>The next requests get these answers, in order.</summary>
    public void Enqueue(params StandInResponse[] responses)
    {
        foreach (var response in responses)
        {
            _script.Enqueue(response);
        }
    }

    public Task<IReadOnlyList<RecordedRequest>> WaitForAcceptedAsync(int count, TimeSpan? timeout = null) =>
        Eventually.MatchesAsync(() => Task.FromResult(Accepted), accepted => accepted.Count >= count, timeout, $"{count} accepted request(s)");

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var path = request.Path.Value ?? "/";
        var response = ByPath.TryGetValue(path, out var byPath) ? byPath : _script.TryDequeue(out var scripted) ? scripted : Default;
        var receivedAt = DateTimeOffset.UtcNow;

        if (response.Hang)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, both.Token);
            }
            catch (OperationCanceledException)
            {
                // The client gave up (or the server stops): nothing was accepted.
            }

            _requests.Enqueue(new RecordedRequest(request.Method, path, headers, body, 0, receivedAt, request.QueryString.Value ?? string.Empty));
            return;
        }

        _requests.Enqueue(new RecordedRequest(request.Method, path, headers, body, response.Status, receivedAt, request.QueryString.Value ?? string.Empty));
        if (BeforeAnswering is { } beforeAnswering)
        {
            await beforeAnswering();
        }

        context.Response.StatusCode = response.Status;
        if (response.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
