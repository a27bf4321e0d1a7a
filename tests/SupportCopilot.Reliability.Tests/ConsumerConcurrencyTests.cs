using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SupportCopilot.Hosting;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Reliability.Tests;

/// <summary>
/// <c>Messaging:ConcurrentMessageLimit</c> bounds how many messages one endpoint works on at once,
/// below what the broker hands it (<c>Messaging:PrefetchCount</c>), on the real broker and in memory.
/// </summary>
public sealed class ConsumerConcurrencyTests
{
    public enum Transport
    {
        InMemory,
        RabbitMq,
    }

    [Theory]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.RabbitMq)]
    public async Task An_endpoint_works_on_no_more_messages_at_once_than_its_limit(Transport transport)
    {
        var busiest = await BusiestAsync(transport, limit: "3");

        Assert.Equal(3, busiest);
    }

    [Theory]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.RabbitMq)]
    public async Task Without_a_limit_an_endpoint_works_on_as_many_as_it_prefetches(Transport transport)
    {
        var busiest = await BusiestAsync(transport, limit: null);

        // 16 prefetched, 24 sent, each held for 300 ms: far more than 3 at once.
        Assert.InRange(busiest, 8, 16);
    }

    private static async Task<int> BusiestAsync(Transport transport, string? limit)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = transport.ToString(),
            ["Messaging:PrefetchCount"] = "16",
            ["Messaging:ConcurrentMessageLimit"] = limit,
        };
        if (transport == Transport.RabbitMq)
        {
            settings["Messaging:RabbitMqUri"] = TestServers.RabbitMq;
        }

        var probe = new ConcurrencyProbe();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(probe);

        // A service name of its own, so that no other test's queue or leftover message is involved.
        var service = "concurrency-" + Guid.NewGuid().ToString("N")[..8];
        builder.Services.AddSupportCopilotMessaging(builder.Configuration, bus => bus.AddServiceConsumer<HeldProbeConsumer>(service));
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var queue = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{service}-held-probe"));
            for (var i = 0; i < ConcurrencyProbe.Sent; i++)
            {
                await queue.Send(new HeldProbe(service, i), TestContext.Current.CancellationToken);
            }

            await probe.AllDone.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            return probe.Busiest;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    public sealed record HeldProbe(string Service, int Number);

    public sealed class ConcurrencyProbe
    {
        public const int Sent = 24;

        private int _running;
        private int _busiest;
        private int _done;

        public TaskCompletionSource AllDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Busiest => Volatile.Read(ref _busiest);

        public async Task HoldAsync()
        {
            var now = Interlocked.Increment(ref _running);
            int seen;
            while (now > (seen = Volatile.Read(ref _busiest)) && Interlocked.CompareExchange(ref _busiest, now, seen) != seen)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Interlocked.Decrement(ref _running);
            if (Interlocked.Increment(ref _done) == Sent)
            {
                AllDone.TrySetResult();
            }
        }
    }

    public sealed class HeldProbeConsumer(ConcurrencyProbe probe) : IConsumer<HeldProbe>
    {
        public Task Consume(ConsumeContext<HeldProbe> context) => probe.HoldAsync();
    }
}
