using SupportCopilot.Data;

namespace SupportCopilot.Review.Database;

/// <summary>
/// The review queue and the corrections agents make (1); the replies Intake could not deliver (2),
/// kept from Intake's <c>ReplyFailed</c> and <c>ReplySent</c> events; local accounts, issued API
/// keys (only their SHA-256) and the audit log (10); claim leases, drafting insights and the reason
/// codes the queue filters on (11); drafts Drafting sent on its own, counted for the auto-send rate (12). Citations and reasons are JSON kept as text
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
        new(
            10,
            "accounts, api keys and the audit log",
            Sqlite: """
                CREATE TABLE users (
                    user_id TEXT NOT NULL PRIMARY KEY,
                    email TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL CHECK (role IN ('agent', 'ops', 'admin')),
                    password_hash TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    created_by TEXT NOT NULL
                );
                CREATE TABLE api_keys (
                    key_id TEXT NOT NULL PRIMARY KEY,
                    name TEXT NOT NULL,
                    key_hash TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL CHECK (role IN ('agent', 'ops', 'admin')),
                    created_at TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    revoked_at TEXT NULL,
                    revoked_by TEXT NULL
                );
                CREATE TABLE audit_log (
                    audit_id TEXT NOT NULL PRIMARY KEY,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NULL,
                    detail TEXT NULL,
                    remote_address TEXT NULL
                );
                CREATE INDEX ix_audit_log_at ON audit_log (at);
                """,
            Postgres: """
                CREATE TABLE users (
                    user_id uuid NOT NULL PRIMARY KEY,
                    email text NOT NULL UNIQUE,
                    role text NOT NULL CHECK (role IN ('agent', 'ops', 'admin')),
                    password_hash text NOT NULL,
                    created_at timestamptz NOT NULL,
                    created_by text NOT NULL
                );
                CREATE TABLE api_keys (
                    key_id uuid NOT NULL PRIMARY KEY,
                    name text NOT NULL,
                    key_hash text NOT NULL UNIQUE,
                    role text NOT NULL CHECK (role IN ('agent', 'ops', 'admin')),
                    created_at timestamptz NOT NULL,
                    created_by text NOT NULL,
                    revoked_at timestamptz NULL,
                    revoked_by text NULL
                );
                CREATE TABLE audit_log (
                    audit_id uuid NOT NULL PRIMARY KEY,
                    at timestamptz NOT NULL,
                    actor text NOT NULL,
                    action text NOT NULL,
                    target text NULL,
                    detail text NULL,
                    remote_address text NULL
                );
                CREATE INDEX ix_audit_log_at ON audit_log (at);
                """),
        new(
            11,
            "claim leases, insights and queue filters",
            Sqlite: """
                ALTER TABLE review_items ADD COLUMN claimed_by TEXT NULL;
                ALTER TABLE review_items ADD COLUMN claim_expires_at TEXT NULL;
                ALTER TABLE review_items ADD COLUMN category TEXT NULL;
                ALTER TABLE review_items ADD COLUMN brand TEXT NULL;
                ALTER TABLE review_items ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE review_items ADD COLUMN insights TEXT NULL;
                ALTER TABLE corrections ADD COLUMN action TEXT NULL;
                CREATE INDEX ix_review_items_queue ON review_items (status, priority DESC, queued_at, draft_id);
                CREATE TABLE review_item_reasons (
                    draft_id TEXT NOT NULL REFERENCES review_items (draft_id),
                    code TEXT NOT NULL,
                    PRIMARY KEY (draft_id, code)
                );
                CREATE INDEX ix_review_item_reasons_code ON review_item_reasons (code, draft_id);
                """,
            Postgres: """
                ALTER TABLE review_items ADD COLUMN claimed_by text NULL;
                ALTER TABLE review_items ADD COLUMN claim_expires_at timestamptz NULL;
                ALTER TABLE review_items ADD COLUMN category text NULL;
                ALTER TABLE review_items ADD COLUMN brand text NULL;
                ALTER TABLE review_items ADD COLUMN priority integer NOT NULL DEFAULT 0;
                ALTER TABLE review_items ADD COLUMN insights text NULL;
                ALTER TABLE corrections ADD COLUMN action text NULL;
                CREATE INDEX ix_review_items_queue ON review_items (status, priority DESC, queued_at, draft_id);
                CREATE TABLE review_item_reasons (
                    draft_id uuid NOT NULL REFERENCES review_items (draft_id),
                    code text NOT NULL,
                    PRIMARY KEY (draft_id, code)
                );
                CREATE INDEX ix_review_item_reasons_code ON review_item_reasons (code, draft_id);
                """),
        new(
            12,
            "drafts sent automatically, for the auto-send rate",
            Sqlite: """
                CREATE TABLE auto_sent_drafts (
                    draft_id TEXT NOT NULL PRIMARY KEY,
                    connector TEXT NOT NULL,
                    category TEXT NULL,
                    confidence REAL NOT NULL,
                    drafted_at TEXT NOT NULL
                );
                CREATE INDEX ix_auto_sent_drafts_drafted_at ON auto_sent_drafts (drafted_at);
                """,
            Postgres: """
                CREATE TABLE auto_sent_drafts (
                    draft_id uuid NOT NULL PRIMARY KEY,
                    connector text NOT NULL,
                    category text NULL,
                    confidence double precision NOT NULL,
                    drafted_at timestamptz NOT NULL
                );
                CREATE INDEX ix_auto_sent_drafts_drafted_at ON auto_sent_drafts (drafted_at);
                """),
        new(
            50,
            "audit log looked up by action and actor or address, for sign-in throttling",
            Sqlite: """
                CREATE INDEX ix_audit_log_action_actor_at ON audit_log (action, actor, at);
                CREATE INDEX ix_audit_log_action_address_at ON audit_log (action, remote_address, at);
                """,
            Postgres: """
                CREATE INDEX ix_audit_log_action_actor_at ON audit_log (action, actor, at);
                CREATE INDEX ix_audit_log_action_address_at ON audit_log (action, remote_address, at);
                """),
    ];
}
