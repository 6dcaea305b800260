"""app_meta: `operators_version` and `state_version`, changed by the database itself
(triggers) whenever an operator, an operator's organization (name, kind, tenant) or any
bot state row changes, by any writer on any instance. A turn reads them with the other
versions (one query); while they are unchanged a process may reuse the operator's scope
and its knowledge that a conversation holds no dialog, instead of reading them again.

SQLite has row triggers only; PostgreSQL gets statement triggers (an import touching
many rows changes the version once).

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (version key, the change that moves it)
WATCHED = {
    "operators": ("operators_version", "INSERT OR UPDATE OR DELETE"),
    "organizations": ("operators_version", "UPDATE OF name, kind, tenant_id OR DELETE"),
    "bot_state": ("state_version", "INSERT OR UPDATE OR DELETE"),
}


def _sqlite_events(change: str) -> list[str]:
    return [part.strip() for part in change.split(" OR ")]


def upgrade() -> None:
    bind = op.get_bind()
    for key in sorted({key for key, _ in WATCHED.values()}):
        op.execute(f"INSERT INTO app_meta (key, value) VALUES ('{key}', '0')")
    if bind.dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION partnerbot_bump_version() RETURNS trigger AS $$
            BEGIN
                UPDATE app_meta SET value = md5(random()::text || clock_timestamp()::text)
                WHERE key = TG_ARGV[0];
                RETURN NULL;
            END $$ LANGUAGE plpgsql""")
        for table, (key, change) in WATCHED.items():
            op.execute(f"CREATE TRIGGER {table}_bump_{key} AFTER {change} ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION partnerbot_bump_version('{key}')")
        return
    for table, (key, change) in WATCHED.items():
        for event in _sqlite_events(change):
            name = f"{table}_bump_{key}_{event.split()[0].lower()}"
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN "
                       f"UPDATE app_meta SET value = lower(hex(randomblob(16))) "
                       f"WHERE key = '{key}'; END")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table, (key, _change) in WATCHED.items():
            op.execute(f"DROP TRIGGER {table}_bump_{key} ON {table}")
        op.execute("DROP FUNCTION partnerbot_bump_version()")
    else:
        for table, (key, change) in WATCHED.items():
            for event in _sqlite_events(change):
                op.execute(f"DROP TRIGGER {table}_bump_{key}_{event.split()[0].lower()}")
    op.execute("DELETE FROM app_meta WHERE key IN ('operators_version', 'state_version')")
