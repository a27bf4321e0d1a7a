using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace SupportCopilot.Reliability.Tests;

public sealed class HostileWebhookTests(OwnServers servers)
{
    private const int Bodies = 10_000;

    [Fact]
    public async Task Ten_thousand_malformed_or_hostile_webhooks_get_no_5xx_store_nothing_and_leave_memory_flat()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var system = await Deployment.StartAsync(servers, draftingInstances: 1);
        using var http = new HttpClient { BaseAddress = system.Intake.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var answers = new ConcurrentDictionary<(string Kind, int Status), int>();
        var serverErrors = new ConcurrentQueue<string>();

        async Task SendAsync(IEnumerable<int> indexes) =>
            await Parallel.ForEachAsync(indexes, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var (kind, request) = HostileWebhooks.Create(i);
                using (request)
                {
                    int status;
                    try
                    {
                        using var response = await http.SendAsync(request, ct);
                        status = (int)response.StatusCode;
                        if (status >= 500)
                        {
                            serverErrors.Enqueue($"{kind}: {status} {await response.Content.ReadAsStringAsync(ct)}");
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // Kestrel may close the connection on a 10 MB body it refused unread: that is a refusal, not a 5xx.
                        status = 0;
                    }

                    answers.AddOrUpdate((kind, status), 1, (_, n) => n + 1);
                }
            });

        await SendAsync(Enumerable.Range(0, 1_000));
        var warm = system.Intake.ResidentBytes();
        await SendAsync(Enumerable.Range(1_000, Bodies - 1_000));
        var after = system.Intake.ResidentBytes();

        var summary = string.Join("\n", answers.OrderBy(a => a.Key.Kind, StringComparer.Ordinal).Select(a => $"{a.Key.Kind} -> {a.Key.Status}: {a.Value}"));
        TestContext.Current.SendDiagnosticMessage(
            $"Intake resident memory after 1,000 bodies {warm / 1e6:0} MB, after {Bodies:N0} {after / 1e6:0} MB\n{summary}");
        Assert.Empty(serverErrors.Take(10));
        Assert.Equal(Bodies, answers.Values.Sum());
        Assert.DoesNotContain(answers.Keys, a => a.Status is >= 200 and < 300);
        Assert.Equal(0, await system.CountAsync("SELECT COUNT(*) FROM intake.tickets"));
        Assert.Equal(0, await system.CountAsync("SELECT COUNT(*) FROM intake.outbox_messages"));
        Assert.True(after - warm < 150_000_000, $"Intake grew from {warm / 1e6:0} MB to {after / 1e6:0} MB over {Bodies - 1_000:N0} hostile bodies.");
    }
}

/// <summary>Malformed and hostile generic webhooks, one kind per index (deterministic, so a failure can be replayed).</summary>
internal static class HostileWebhooks
{
    private static readonly byte[] TenMegabytes = Encoding.UTF8.GetBytes("{\"externalId\":\"X\",\"body\":\"" + new string('a', 10 * 1024 * 1024) + "\"}");

    private static readonly string Valid = """
        {"externalId":"FUZZ-1","subject":"Reset","body":"How do I reset my password?","customer":{"email":"a@example.com","name":"A"},"language":"en"}
        """;

    public static (string Kind, HttpRequestMessage Request) Create(int index)
    {
        var random = new Random(index);
        var kinds = 14;

        // The 10 MB bodies are few (they are slow to send); every other kind comes round evenly.
        var kind = index % 1000 == 999 ? -1 : index % kinds;
        return kind switch
        {
            -1 => ("10 MB body", Signed(TenMegabytes)),
            0 => ("truncated JSON", Signed(Encoding.UTF8.GetBytes(Valid[..random.Next(1, Valid.Length - 2)]))),
            1 => ("wrong types", Signed(Encoding.UTF8.GetBytes(WrongTypes[random.Next(WrongTypes.Length)]))),
            2 => ("huge subject (600 KB)", Signed(Encoding.UTF8.GetBytes(Valid.Replace("\"Reset\"", "\"" + new string('s', 600 * 1024) + "\"", StringComparison.Ordinal)))),
            3 => ("body over 64 KiB", Signed(Encoding.UTF8.GetBytes(Valid.Replace("How do I reset my password?", new string('b', 70 * 1024), StringComparison.Ordinal)))),
            4 => ("deep nesting", Signed(Encoding.UTF8.GetBytes("{\"externalId\":\"D\",\"customer\":" + new string('[', 5_000 + random.Next(1_000)) + new string(']', 5_000) + "}"))),
            5 => ("invalid UTF-8", Signed(InvalidUtf8(random))),
            6 => ("wrong signature", Signed(Encoding.UTF8.GetBytes(Valid), secret: "not-the-secret")),
            7 => ("no signature", Unsigned(Encoding.UTF8.GetBytes(Valid))),
            8 => ("stale timestamp", Signed(Encoding.UTF8.GetBytes(Valid), timestamp: DateTimeOffset.UtcNow.AddHours(-2))),
            9 => ("not an object", Signed(Encoding.UTF8.GetBytes(NotObjects[random.Next(NotObjects.Length)]))),
            10 => ("invalid values", Signed(Encoding.UTF8.GetBytes(InvalidValues[random.Next(InvalidValues.Length)]))),
            11 => ("NUL and control characters", Signed(Encoding.UTF8.GetBytes(Valid.Replace("\"FUZZ-1\"", "\"FUZZ-\\u0000" + index.ToString(CultureInfo.InvariantCulture) + "\"", StringComparison.Ordinal)))),
            12 => ("random bytes", Signed(RandomBytes(random))),
            _ => ("not JSON content type", Signed(Encoding.UTF8.GetBytes(Valid), contentType: "text/plain")),
        };
    }

    private static readonly string[] WrongTypes =
    [
        """{"externalId":123,"subject":"s","body":"b","customer":{"email":"a@example.com","name":"A"}}""",
        """{"externalId":"W","subject":{"a":1},"body":"b","customer":{"email":"a@example.com","name":"A"}}""",
        """{"externalId":"W","subject":"s","body":["b"],"customer":{"email":"a@example.com","name":"A"}}""",
        """{"externalId":"W","subject":"s","body":"b","customer":"a@example.com"}""",
        """{"externalId":"W","subject":"s","body":"b","customer":{"email":true,"name":null}}""",
        """{"externalId":["W"],"subject":1.5e308,"body":null,"customer":[]}""",
    ];

    private static readonly string[] NotObjects = ["", "null", "[]", "42", "\"text\"", "true", "{}", "[{}]", " ", "{\"externalId\":null}"];

    private static readonly string[] InvalidValues =
    [
        """{"externalId":"","subject":"s","body":"b","customer":{"email":"a@example.com","name":"A"}}""",
        """{"externalId":"V","subject":"s","body":"b","customer":{"email":"not-an-email","name":"A"}}""",
        """{"externalId":"V","subject":"","body":"","customer":{"email":"a@example.com","name":""}}""",
        """{"externalId":"V","subject":"s","body":"b"}""",
        """{"externalId":"V","subject":"s","body":"b","customer":{"email":"a@example.com","name":"A"},"language":"this is not a language code at all"}""",
    ];

    private static byte[] InvalidUtf8(Random random)
    {
        var valid = Encoding.UTF8.GetBytes(Valid);
        var at = valid.AsSpan().IndexOf("reset my"u8) + random.Next(0, 5);
        var broken = valid.ToArray();
        broken[at] = (byte)(random.Next(2) == 0 ? 0xC3 : 0xFF);
        broken[at + 1] = 0x28;
        return broken;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 4096)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static HttpRequestMessage Signed(byte[] body, string secret = Deployment.WebhookSecret, DateTimeOffset? timestamp = null, string contentType = "application/json")
    {
        var request = Unsigned(body, contentType);
        var unix = (timestamp ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(unix + ".").Concat(body).ToArray());
        request.Headers.Add("X-SupportCopilot-Timestamp", unix);
        request.Headers.Add("X-SupportCopilot-Signature", "sha256=" + Convert.ToHexStringLower(mac));
        return request;
    }

    private static HttpRequestMessage Unsigned(byte[] body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/generic") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return request;
    }
}
