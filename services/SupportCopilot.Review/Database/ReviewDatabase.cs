using SupportCopilot.Data;

namespace SupportCopilot.Review.Database;

/// <summary>The Review service's own schema (PostgreSQL) or file (SQLite).</summary>
internal sealed class ReviewDatabase(DatabaseSettings settings) : ServiceDatabase(ReviewService.Name, settings);
