using SupportCopilot.Data;

namespace SupportCopilot.Drafting.Database;

/// <summary>Drafting's own tables: the knowledge base (documents, chunks) and the drafts.</summary>
internal sealed class DraftingDatabase(DatabaseSettings settings) : ServiceDatabase(DraftingService.Name, settings);
