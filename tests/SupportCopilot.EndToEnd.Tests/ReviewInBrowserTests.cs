using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.EndToEnd.Tests;

/// <summary>
/// Agents' paths through the review UI in a real headless Chromium, against the standalone app
/// started as its own process: sign in, watch the queue, open, edit, race, use the keyboard.
/// </summary>
public sealed class ReviewInBrowserTests
{
    private const string Password = "a long enough password";

    [Fact]
    public async Task An_agent_signs_in_sees_a_new_ticket_arrive_edits_the_draft_and_the_reply_is_delivered()
    {
        await using var app = await BrowserApp.StartAsync();
        var page = await app.SignedInPageAsync("ana@example.com");
        await page.GotoAsync(app.Url("/review"));
        await Assertions.Expect(page.Locator("#pending-count")).ToHaveTextAsync("0 pending");

        var ticketId = await app.PostTicketAsync("BROWSER-1", "Refund for my yearly plan <script>alert(1)</script>",
            "I paid for the yearly Plus plan last week and I want a refund. How do refunds work?");

        // No reload: the page notices the queue changed and swaps it in.
        var row = page.Locator("#queue-table a", new PageLocatorOptions { HasText = "Refund for my yearly plan" });
        await Assertions.Expect(row).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 60_000 });
        await SaveScreenshotAsync(page, "review-queue.png");
        await row.ClickAsync();
        await ExpectItemPageAsync(page);
        var detail = await page.ContentAsync();
        Assert.Contains("refund-policy.md#", detail, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", detail, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator(".citations mark").First).ToBeVisibleAsync();
        await SaveScreenshotAsync(page, "review-item.png");

        await page.Locator("#edit-panel summary").ClickAsync();
        await page.Locator("#edit-text").FillAsync("Hi Bo, refunds for yearly plans are prorated. I have started yours. Ana");
        await page.Locator("#preview-edit").ClickAsync();
        await Assertions.Expect(page.Locator("#diff-preview ins").First).ToBeVisibleAsync();
        Assert.Contains("started", string.Concat(await page.Locator("#diff-preview ins").AllInnerTextsAsync()), StringComparison.Ordinal);
        Assert.True(await page.Locator("#diff-preview del").CountAsync() > 0, "The draft's replaced words are shown struck out.");
        await SaveScreenshotAsync(page, "review-item-diff.png");
        await page.Locator("#confirm-send").ClickAsync();
        await ExpectQueuePageAsync(page);

        var ticket = await app.WaitForTicketAsync(ticketId, "sent");
        Assert.Equal("Hi Bo, refunds for yearly plans are prorated. I have started yours. Ana", ticket.GetProperty("reply").GetProperty("text").GetString());
        Assert.Single(app.Helpdesk.Replies);
        Assert.Equal(0, app.Dialogs);
    }

    [Fact]
    public async Task Of_two_agents_opening_one_item_at_once_exactly_one_can_act_and_the_other_sees_who()
    {
        await using var app = await BrowserApp.StartAsync();
        var ticketId = await app.PostTicketAsync("RACE-1", "Refund for a double charge", "I was charged twice for my plan. Please refund one.");
        var draftId = (await app.WaitForTicketAsync(ticketId, "in_review")).GetProperty("draft").GetProperty("draftId").GetGuid();
        var ana = await app.SignedInPageAsync("ana@example.com");
        var bo = await app.SignedInPageAsync("bo@example.com");

        await Task.WhenAll(ana.GotoAsync(app.Url($"/review/{draftId}")), bo.GotoAsync(app.Url($"/review/{draftId}")));

        var anaCanAct = await ana.Locator("#approve-form").CountAsync() == 1;
        var boCanAct = await bo.Locator("#approve-form").CountAsync() == 1;
        Assert.True(anaCanAct ^ boCanAct, $"Exactly one agent holds the item (ana: {anaCanAct}, bo: {boCanAct}).");
        var (loser, winnerName) = anaCanAct ? (bo, "ana@example.com") : (ana, "bo@example.com");
        await Assertions.Expect(loser.Locator("#held-by")).ToContainTextAsync(winnerName);
        await SaveScreenshotAsync(loser, "review-item-held.png");
    }

    [Fact]
    public async Task A_ticket_carrying_script_and_an_img_onerror_renders_inert()
    {
        await using var app = await BrowserApp.StartAsync();
        var ticketId = await app.PostTicketAsync(
            "XSS-1",
            "Refund <img src=x onerror=\"window.pwned=1;alert('subject')\">",
            "Please refund me. <script>window.pwned=2;alert('body')</script><img src=x onerror=\"window.pwned=3;alert('img')\"><b>thanks</b>");
        var draftId = (await app.WaitForTicketAsync(ticketId, "in_review")).GetProperty("draft").GetProperty("draftId").GetGuid();
        var page = await app.SignedInPageAsync("ana@example.com");

        await page.GotoAsync(app.Url("/review"));
        await page.GotoAsync(app.Url($"/review/{draftId}"));
        await ExpectItemPageAsync(page);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Equal(0, app.Dialogs);
        Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined"), "No script from the ticket ran.");
        Assert.Equal(0, await page.Locator("#ticket-body script, #ticket-body img, h1 img").CountAsync());
        Assert.Equal("thanks", await page.Locator("#ticket-body b").InnerTextAsync());
        await SaveScreenshotAsync(page, "review-item-hostile.png");
    }

    [Fact]
    public async Task An_agent_approves_a_draft_with_the_keyboard_alone()
    {
        await using var app = await BrowserApp.StartAsync();
        var ticketId = await app.PostTicketAsync("KEYS-1", "Refund for my monthly plan", "Can I get a refund for this month? I forgot to cancel.");
        await app.WaitForTicketAsync(ticketId, "in_review");
        var page = await app.SignedInPageAsync("ana@example.com");
        await page.GotoAsync(app.Url("/review"));

        await page.Keyboard.PressAsync("?");
        await Assertions.Expect(page.Locator("#shortcuts")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("Enter");
        await ExpectItemPageAsync(page);
        await page.Keyboard.PressAsync("a");
        await ExpectQueuePageAsync(page);

        var ticket = await app.WaitForTicketAsync(ticketId, "sent");
        Assert.Equal(ticket.GetProperty("draft").GetProperty("text").GetString(), ticket.GetProperty("reply").GetProperty("text").GetString());
    }

    // Web-first assertions poll until the page is there. Waiting for a URL plus a load event instead
    // raced with the live queue's requests and now and then waited for a load that had already fired.
    private static async Task ExpectQueuePageAsync(IPage page)
    {
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/review$"));
        await Assertions.Expect(page.Locator("#pending-count")).ToBeVisibleAsync();
    }

    private static async Task ExpectItemPageAsync(IPage page)
    {
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/review/[0-9a-f-]{36}"));
        await Assertions.Expect(page.Locator("#item")).ToBeVisibleAsync();
    }

    /// <summary>Screenshots land next to the test binaries, for a person to look at.</summary>
    private static Task SaveScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", name), FullPage = true });

    /// <summary>The standalone app, a helpdesk stand-in taking its replies, and a headless Chromium.</summary>
    private sealed class BrowserApp : IAsyncDisposable
    {
        private readonly HashSet<string> _accounts = new(StringComparer.Ordinal);

        private BrowserApp(HelpdeskStandIn helpdesk, ServiceProcess standalone, IPlaywright playwright, IBrowser browser)
        {
            Helpdesk = helpdesk;
            Standalone = standalone;
            Playwright = playwright;
            Browser = browser;
        }

        public HelpdeskStandIn Helpdesk { get; }

        public ServiceProcess Standalone { get; }

        public IPlaywright Playwright { get; }

        public IBrowser Browser { get; }

        /// <summary>Alerts, confirms and prompts any page opened; a ticket that could run script would raise one.</summary>
        public int Dialogs { get; private set; }

        public static async Task<BrowserApp> StartAsync()
        {
            var chromium = TestServers.Chromium;
            var helpdesk = await HelpdeskStandIn.StartAsync();
            var standalone = ServiceProcess.Start(
                "SupportCopilot.Standalone",
                new Dictionary<string, string?>
                {
                    ["Database__DataDirectory"] = Path.Combine(Path.GetTempPath(), "supportcopilot-e2e", Guid.NewGuid().ToString("N")),
                    ["Intake__Connectors__Generic__CallbackUrl"] = helpdesk.CallbackUrl.ToString(),
                    ["Review__LiveRefreshInterval"] = "00:00:01",
                },
                ["--no-sample-tickets"]);
            await standalone.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
            // A loaded 2-core CI machine can take longer than the 5 s default to render a page.
            Assertions.SetDefaultExpectTimeout(30_000);
            var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
            });
            return new BrowserApp(helpdesk, standalone, playwright, browser);
        }

        public string Url(string path) => new Uri(Standalone.BaseAddress, path).ToString();

        /// <summary>A fresh browser context (its own cookies) signed in through the sign-in form as an agent.</summary>
        public async Task<IPage> SignedInPageAsync(string email)
        {
            if (_accounts.Add(email))
            {
                using var created = await Standalone.Http.PostAsJsonAsync("/api/admin/users", new { email, role = "agent", password = Password });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
            var page = await context.NewPageAsync();
            page.Dialog += (_, dialog) =>
            {
                Dialogs++;
                _ = dialog.DismissAsync();
            };
            await page.GotoAsync(Url("/review"));
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/review/signin"));
            await page.Locator("#signin-email").FillAsync(email);
            await page.Locator("#signin-password").FillAsync(Password);
            await page.Locator("#signin-password").PressAsync("Enter");
            await ExpectQueuePageAsync(page);
            return page;
        }

        public async Task<Guid> PostTicketAsync(string externalId, string subject, string body)
        {
            using var posted = await Standalone.Http.PostAsJsonAsync("/api/webhooks/generic", new
            {
                externalId,
                subject,
                body,
                customer = new { email = "bo@example.org", name = "Bo Berg" },
            });
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
            return (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticketId").GetGuid();
        }

        public Task<JsonElement> WaitForTicketAsync(Guid ticketId, string status) =>
            Eventually.MatchesAsync(
                () => Standalone.Http.GetFromJsonAsync<JsonElement>($"/api/tickets/{ticketId}"),
                // Intake records the draft and hears of the review queue from two different messages,
                // in either order, so "in_review" can show a moment before the draft does.
                t => t.GetProperty("status").GetString() == status && t.TryGetProperty("draft", out _),
                TimeSpan.FromSeconds(60),
                $"The ticket reaching {status} with its draft");

        public async ValueTask DisposeAsync()
        {
            await Browser.DisposeAsync();
            Playwright.Dispose();
            await Standalone.DisposeAsync();
            await Helpdesk.DisposeAsync();
        }
    }
}
