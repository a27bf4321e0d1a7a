using SupportCopilot.Data;

namespace SupportCopilot.Intake;

internal static class IntakeMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(
            1,
            "tickets and reply deliveries",
            Sqlite: """
                CREATE TABLE tickets (
                    ticket_id TEXT PRIMARY KEY,
                    connector TEXT NOT NULL,
                    external_id TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    body TEXT NOT NULL,
                    customer_email TEXT NOT NULL,
                    customer_name TEXT NOT NULL,
                    language TEXT NOT NULL,
                    status TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    draft_id TEXT NULL,
                    draft_text TEXT NULL,
                    draft_citations TEXT NULL,
                    draft_confidence REAL NULL,
                    draft_auto_send INTEGER NULL,
                    draft_reasons TEXT NULL,
                    drafted_at TEXT NULL,
                    reply_text TEXT NULL,
                    reply_origin TEXT NULL,
                    replied_at TEXT NULL,
                    UNIQUE (connector, external_id)
                );
                CREATE TABLE reply_deliveries (
                    draft_id TEXT PRIMARY KEY,
                    ticket_id TEXT NOT NULL REFERENCES tickets (ticket_id),
                    origin TEXT NOT NULL,
                    text TEXT NOT NULL,
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT NULL,
                    claimed_until TEXT NULL,
                    created_at TEXT NOT NULL,
                    delivered_at TEXT NULL
                );
                """,
            Postgres: """
                CREATE TABLE tickets (
                    ticket_id uuid PRIMARY KEY,
                    connector text NOT NULL,
                    external_id text NOT NULL,
                    subject text NOT NULL,
                    body text NOT NULL,
                    customer_email text NOT NULL,
                    customer_name text NOT NULL,
                    language text NOT NULL,
                    status text NOT NULL,
                    received_at timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL,
                    draft_id uuid NULL,
                    draft_text text NULL,
                    draft_citations text NULL,
                    draft_confidence double precision NULL,
                    draft_auto_send boolean NULL,
                    draft_reasons text NULL,
                    drafted_at timestamptz NULL,
                    reply_text text NULL,
                    reply_origin text NULL,
                    replied_at timestamptz NULL,
                    UNIQUE (connector, external_id)
                );
                CREATE TABLE reply_deliveries (
                    draft_id uuid PRIMARY KEY,
                    ticket_id uuid NOT NULL REFERENCES tickets (ticket_id),
                    origin text NOT NULL,
                    text text NOT NULL,
                    status text NOT NULL,
                    attempts integer NOT NULL DEFAULT 0,
                    last_error text NULL,
                    claimed_until timestamptz NULL,
                    created_at timestamptz NOT NULL,
                    delivered_at timestamptz NULL
                );
                """),
        new(
            2,
            "reply addresses and webhook delivery ids",
            Sqlite: """
                ALTER TABLE tickets ADD COLUMN reply_address TEXT NULL;
                CREATE TABLE webhook_deliveries (
                    connector TEXT NOT NULL,
                    delivery_id TEXT NOT NULL,
                    ticket_id TEXT NOT NULL REFERENCES tickets (ticket_id),
                    received_at TEXT NOT NULL,
                    PRIMARY KEY (connector, delivery_id)
                );
                """,
            Postgres: """
                ALTER TABLE tickets ADD COLUMN reply_address text NULL;
                CREATE TABLE webhook_deliveries (
                    connector text NOT NULL,
                    delivery_id text NOT NULL,
                    ticket_id uuid NOT NULL REFERENCES tickets (ticket_id),
                    received_at timestamptz NOT NULL,
                    PRIMARY KEY (connector, delivery_id)
                );
                """),
    ];
}
