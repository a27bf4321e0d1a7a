using SupportCopilot.Data;

namespace SupportCopilot.Drafting.Database;

internal static class DraftingMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(
            1,
            "knowledge base documents and chunks",
            Sqlite: """
                CREATE TABLE documents (
                    document_id TEXT PRIMARY KEY,
                    title TEXT NOT NULL,
                    content_hash TEXT NOT NULL,
                    imported_at TEXT NOT NULL
                );
                CREATE TABLE chunks (
                    chunk_id TEXT PRIMARY KEY,
                    document_id TEXT NOT NULL REFERENCES documents (document_id) ON DELETE CASCADE,
                    anchor TEXT NULL,
                    heading_path TEXT NOT NULL,
                    title TEXT NOT NULL,
                    text TEXT NOT NULL,
                    ordinal INTEGER NOT NULL
                );
                CREATE INDEX ix_chunks_document ON chunks (document_id, ordinal);
                """,
            Postgres: """
                CREATE TABLE documents (
                    document_id text PRIMARY KEY,
                    title text NOT NULL,
                    content_hash text NOT NULL,
                    imported_at timestamptz NOT NULL
                );
                CREATE TABLE chunks (
                    chunk_id text PRIMARY KEY,
                    document_id text NOT NULL REFERENCES documents (document_id) ON DELETE CASCADE,
                    anchor text NULL,
                    heading_path text NOT NULL,
                    title text NOT NULL,
                    text text NOT NULL,
                    ordinal integer NOT NULL
                );
                CREATE INDEX ix_chunks_document ON chunks (document_id, ordinal);
                """),
        new(
            2,
            "drafts",
            Sqlite: """
                CREATE TABLE drafts (
                    draft_id TEXT PRIMARY KEY,
                    ticket_id TEXT NOT NULL UNIQUE,
                    text TEXT NOT NULL,
                    citations TEXT NOT NULL,
                    confidence REAL NOT NULL,
                    auto_send INTEGER NOT NULL,
                    reasons TEXT NOT NULL,
                    drafter TEXT NOT NULL,
                    drafted_at TEXT NOT NULL
                );
                """,
            Postgres: """
                CREATE TABLE drafts (
                    draft_id uuid PRIMARY KEY,
                    ticket_id uuid NOT NULL UNIQUE,
                    text text NOT NULL,
                    citations text NOT NULL,
                    confidence double precision NOT NULL,
                    auto_send boolean NOT NULL,
                    reasons text NOT NULL,
                    drafter text NOT NULL,
                    drafted_at timestamptz NOT NULL
                );
                """),
        new(
            10,
            "knowledge base: PDF pages, embeddings, document kinds and answer memory",
            Sqlite: """
                ALTER TABLE documents ADD COLUMN kind TEXT NOT NULL DEFAULT 'document';
                ALTER TABLE chunks ADD COLUMN page INTEGER NULL;
                ALTER TABLE chunks ADD COLUMN embedding BLOB NULL;
                CREATE TABLE answer_memory (
                    draft_id TEXT PRIMARY KEY,
                    ticket_id TEXT NOT NULL,
                    document_id TEXT NOT NULL REFERENCES documents (document_id) ON DELETE CASCADE,
                    agent TEXT NOT NULL,
                    edited INTEGER NOT NULL,
                    approved_at TEXT NOT NULL
                );
                CREATE INDEX ix_answer_memory_document ON answer_memory (document_id);
                """,
            Postgres: """
                ALTER TABLE documents ADD COLUMN kind text NOT NULL DEFAULT 'document';
                ALTER TABLE chunks ADD COLUMN page integer NULL;
                ALTER TABLE chunks ADD COLUMN embedding bytea NULL;
                CREATE TABLE answer_memory (
                    draft_id uuid PRIMARY KEY,
                    ticket_id uuid NOT NULL,
                    document_id text NOT NULL REFERENCES documents (document_id) ON DELETE CASCADE,
                    agent text NOT NULL,
                    edited boolean NOT NULL,
                    approved_at timestamptz NOT NULL
                );
                CREATE INDEX ix_answer_memory_document ON answer_memory (document_id);
                """),
        new(
            20,
            "confidence policies, draft signals and agent decision labels",
            Sqlite: """
                CREATE TABLE confidence_policies (
                    version TEXT PRIMARY KEY,
                    role TEXT NOT NULL CHECK (role IN ('live', 'shadow', 'retired')),
                    policy TEXT NOT NULL,
                    threshold REAL NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX ix_confidence_policies_role ON confidence_policies (role, created_at);
                ALTER TABLE drafts ADD COLUMN signals TEXT NULL;
                ALTER TABLE drafts ADD COLUMN policy_version TEXT NULL;
                ALTER TABLE drafts ADD COLUMN insights TEXT NULL;
                ALTER TABLE drafts ADD COLUMN shadow_version TEXT NULL;
                ALTER TABLE drafts ADD COLUMN shadow_confidence REAL NULL;
                ALTER TABLE drafts ADD COLUMN shadow_auto_send INTEGER NULL;
                CREATE TABLE draft_labels (
                    draft_id TEXT PRIMARY KEY,
                    outcome TEXT NOT NULL CHECK (outcome IN ('approved', 'edited', 'rejected')),
                    agent TEXT NOT NULL,
                    decided_at TEXT NOT NULL
                );
                """,
            Postgres: """
                CREATE TABLE confidence_policies (
                    version text PRIMARY KEY,
                    role text NOT NULL CHECK (role IN ('live', 'shadow', 'retired')),
                    policy text NOT NULL,
                    threshold double precision NOT NULL,
                    created_at timestamptz NOT NULL
                );
                CREATE INDEX ix_confidence_policies_role ON confidence_policies (role, created_at);
                ALTER TABLE drafts ADD COLUMN signals text NULL;
                ALTER TABLE drafts ADD COLUMN policy_version text NULL;
                ALTER TABLE drafts ADD COLUMN insights text NULL;
                ALTER TABLE drafts ADD COLUMN shadow_version text NULL;
                ALTER TABLE drafts ADD COLUMN shadow_confidence double precision NULL;
                ALTER TABLE drafts ADD COLUMN shadow_auto_send boolean NULL;
                CREATE TABLE draft_labels (
                    draft_id uuid PRIMARY KEY,
                    outcome text NOT NULL CHECK (outcome IN ('approved', 'edited', 'rejected')),
                    agent text NOT NULL,
                    decided_at timestamptz NOT NULL
                );
                """),
    ];
}
