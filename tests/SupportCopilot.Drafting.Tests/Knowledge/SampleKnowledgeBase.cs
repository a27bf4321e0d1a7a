using SupportCopilot.Contracts;
using SupportCopilot.Drafting;
using SupportCopilot.Drafting.Knowledge;

namespace SupportCopilot.Drafting.Tests;

/// <summary>The sample knowledge base (copied next to the tests) and tickets against it.</summary>
internal static class SampleKnowledgeBase
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "SampleKb");

    public static IReadOnlyList<KnowledgeChunk> Chunks() =>
        Directory.EnumerateFiles(Folder, "*.md", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .SelectMany(file => DocumentChunker.Chunk(
                Path.GetRelativePath(Folder, file).Replace('\\', '/'), File.ReadAllText(file), 1500).Chunks)
            .ToList();

    public static KnowledgeIndex Index(DraftingOptions? options = null)
    {
        var index = new KnowledgeIndex(options ?? new DraftingOptions());
        index.Build(Chunks());
        return index;
    }

    public static TicketContent Ticket(string body, string subject = "", string name = "Priya Raman", string language = "en") =>
        new(Guid.NewGuid(), "generic", "ext-" + Guid.NewGuid().ToString("N")[..8], subject, body, new Customer("priya@example.com", name), language, DateTimeOffset.UtcNow);
}
