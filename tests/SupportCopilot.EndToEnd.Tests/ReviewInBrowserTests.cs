using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.EndToEnd.Tests;

/// <summary>An agent's path through the review UI in a real headless Chromium.</summary>
public sealed class ReviewInBrowserTests
{
    [Fact]
    public async Task An_agent_opens_the_queue_reads_the_draft_and_its_sources_and_approves_it()
    {
        var chromium = TestServers.Chromium;
        await using var helpdesk = await HelpdeskStandIn.StartAsync();
        await using var standalone = ServiceProcess.Start(
            "SupportCopilot.Standalone",
            new Dictionary<string, string?>
            {
                ["Database__DataDirectory"] = Path.Combine(Path.GetTempPath(), "supportcopilot-e2e", Guid.NewGuid().ToString("N")),
                ["Intake__Connectors__Generic__CallbackUrl"] = helpdesk.CallbackUrl.ToString(),
            },
            ["--no-sample-tickets"]);
        await standalone.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        using var posted = await standalone.Http.PostAsJsonAsync("/api/webhooks/generic", new
        {
            externalId = "BROWSER-1",
            subject = "Refund for my yearly plan <script>alert(1)</script>",
            body = "I paid for the yearly Plus plan last week and I want a refund. How do refunds work?",
            customer = new { email = "bo@example.org", name = "Bo Berg" },
        });
        var ticketId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticketId").GetGuid();
        await Eventually.MatchesAsync(
            () => standalone.Http.GetFromJsonAsync<JsonElement>($"/api/tickets/{ticketId}"),
            t => t.GetProperty("status").GetString() == "in_review",
            TimeSpan.FromSeconds(60),
            "The ticket reaching the review queue");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };

        await page.GotoAsync(new Uri(standalone.BaseAddress, "/review").ToString());
        await SaveScreenshotAsync(page, "review-queue.png");
        await page.GetByText("Refund for my yearly plan").First.ClickAsync();
        await page.WaitForURLAsync("**/review/*");
        var detail = await page.ContentAsync();
        Assert.Contains("refund-policy.md#", detail, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", detail, StringComparison.Ordinal);
        await SaveScreenshotAsync(page, "review-item.png");

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Approve", Exact = false }).First.ClickAsync();
        await page.WaitForURLAsync("**/review");

        var ticket = await Eventually.MatchesAsync(
            () => standalone.Http.GetFromJsonAsync<JsonElement>($"/api/tickets/{ticketId}"),
            t => t.GetProperty("status").GetString() == "sent",
            TimeSpan.FromSeconds(30),
            "The approved reply being sent");
        Assert.Equal(ticket.GetProperty("draft").GetProperty("text").GetString(), ticket.GetProperty("reply").GetProperty("text").GetString());
        Assert.Single(helpdesk.Replies);
        Assert.Equal(0, dialogs);
    }

    /// <summary>Screenshots land next to the test binaries, for a person to look at when a run fails.</summary>
    private static Task SaveScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", name), FullPage = true });
}
