using SupportCopilot.Data;

namespace SupportCopilot.Review.Database;

/// <summary>
/// The review queue and the corrections agents make (1); the replies Intake could not deliver (2),
/// kept from Intake's <c>ReplyFailed</c> and <c>ReplySent</c> events. Citations and reasons are JSON kept as text
/// on both providers: Dapper binds strings, and a PostgreSQL jsonb column would need a cast that
/// SQLite cannot parse. Nothing queries inside them; the exporter reads them whole.
/// </summary>
internal static class ReviewMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(
            1,
            "review items and corrections",
            Sqlite: """
                CREATE TABLE review_items (
                    draft_id TEXT NOT NULL PRIMARY KEY,
                    ticket_id TEXT NOT NULL,
                    connector TEXT NOT NULL,
                    external_id TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    body TEXT NOT NULL,
                    customer_email TEXT NOT NULL,
                    customer_name TEXT NOT NULL,
                    language TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    draft_text TEXT NOT NULL,
                    citations TEXT NOT NULL,
                    confidence REAL NOT NULL,
                    reasons TEXT NOT NULL,
                    drafter TEXT NOT NULL,
                    queued_at TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'edited', 'rejected')),
                    decided_at TEXT NULL,
                    decided_by TEXT NULL
                );
                CREATE INDEX ix_review_items_status_queued ON review_items (status, queued_at);
                CREATE INDEX ix_review_items_decided ON review_items (decided_at) WHERE decided_at IS NOT NULL;
                CREATE TABLE corrections (
                    correction_id TEXT NOT NULL PRIMARY KEY,
                    draft_id TEXT NOT NULL UNIQUE REFERENCES review_items (draft_id),
                    ticket_id TEXT NOT NULL,
                    draft_text TEXT NOT NULL,
                    final_text TEXT NULL,
                    decision TEXT NOT NULL CHECK (decision IN ('approved', 'edited', 'rejected')),
                    reason TEXT NULL,
                    comment TEXT NULL,
                    agent TEXT NOT NULL,
                    decided_at TEXT NOT NULL,
                    review_seconds REAL NOT NULL
                );
                CREATE INDEX ix_corrections_decided_at ON corrections (decided_at);
                """,
            Postgres: """
                CREATE TABLE review_items (
                    draft_id uuid NOT NULL PRIMARY KEY,
                    ticket_id uuid NOT NULL,
                    connector text NOT NULL,
                    external_id text NOT NULL,
                    subject text NOT NULL,
                    body text NOT NULL,
                    customer_email text NOT NULL,
                    customer_name text NOT NULL,
                    language text NOT NULL,
                    received_at timestamptz NOT NULL,
                    draft_text text NOT NULL,
                    citations text NOT NULL,
                    confidence double precision NOT NULL,
                    reasons text NOT NULL,
                    drafter text NOT NULL,
                    queued_at timestamptz NOT NULL,
                    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'edited', 'rejected')),
                    decided_at timestamptz NULL,
                    decided_by text NULL
                );
                CREATE INDEX ix_review_items_status_queued ON review_items (status, queued_at);
                CREATE INDEX ix_review_items_decided ON review_items (decided_at) WHERE decided_at IS NOT NULL;
                CREATE TABLE corrections (
                    correction_id uuid NOT NULL PRIMARY KEY,
                    draft_id uuid NOT NULL UNIQUE REFERENCES review_items (draft_id),
                    ticket_id uuid NOT NULL,
                    draft_text text NOT NULL,
                    final_text text NULL,
                    decision text NOT NULL CHECK (decision IN ('approved', 'edited', 'rejected')),
                    reason text NULL,
                    comment text NULL,
                    agent text NOT NULL,
                    decided_at timestamptz NOT NULL,
                    review_seconds double precision NOT NULL
                );
                CREATE INDEX ix_corrections_decided_at ON corrections (decided_at);
                """),
        new(
            2,
            "failed replies and sent-reply markers",
            Sqlite: """
                CREATE TABLE failed_replies (
                    draft_id TEXT NOT NULL PRIMARY KEY,
                    ticket_id TEXT NOT NULL,
                    connector TEXT NOT NULL,
                    error TEXT NOT NULL,
                    failed_at TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'failed' CHECK (status IN ('failed', 'retry_requested', 'resolved')),
                    retry_requested_by TEXT NULL,
                    retry_requested_at TEXT NULL,
                    resolved_at TEXT NULL
                );
                CREATE INDEX ix_failed_replies_status_failed_at ON failed_replies (status, failed_at);
                CREATE TABLE sent_replies (
                    draft_id TEXT NOT NULL PRIMARY KEY,
                    sent_at TEXT NOT NULL
                );
                """,
            Postgres: """
                CREATE TABLE failed_replies (
                    draft_id uuid NOT NULL PRIMARY KEY,
                    ticket_id uuid NOT NULL,
                    connector text NOT NULL,
                    error text NOT NULL,
                    failed_at timestamptz NOT NULL,
                    status text NOT NULL DEFAULT 'failed' CHECK (status IN ('failed', 'retry_requested', 'resolved')),
                    retry_requested_by text NULL,
                    retry_requested_at timestamptz NULL,
                    resolved_at timestamptz NULL
                );
                CREATE INDEX ix_failed_replies_status_failed_at ON failed_replies (status, failed_at);
                CREATE TABLE sent_replies (
                    draft_id uuid NOT NULL PRIMARY KEY,
                    sent_at timestamptz NOT NULL
                );
                """),
    ];
}
