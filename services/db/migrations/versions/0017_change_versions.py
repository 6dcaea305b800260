"""app_meta: `operators_version` and `state_version`, changed by the database itself
(triggers) whenever an operator, an operator's organization (name, kind, tenant) or any
bot state row changes, by any writer on any instance. A turn reads them with the other
versions (one query); while they are unchanged a process may reuse the operator's scope
and its knowledge that a conversation holds no dialog, instead of reading them again.

SQLite has row triggers only; PostgreSQL gets statement triggers (an import touching
many rows changes the version once) that look at their transition tables, so that a
statement that changed no row (or no organization's name, kind or tenant) moves nothing.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (version key, the events that move it); an organization moves it only when
# its name, kind or tenant changes (or it is deleted)
WATCHED = {
    "operators": ("operators_version", ("INSERT", "UPDATE", "DELETE")),
    "organizations": ("operators_version", ("UPDATE", "DELETE")),
    "bot_state": ("state_version", ("INSERT", "UPDATE", "DELETE")),
}
ORG_FIELDS = ("name", "kind", "tenant_id")

# PostgreSQL fires a statement trigger for a statement that touched no row too (a
# retention DELETE that found nothing): its transition table says whether rows changed.
PG_BUMP = "partnerbot_bump_version"
PG_BUMP_IF_RENAMED = "partnerbot_bump_version_if_renamed"
_OLD_FIELDS = ", ".join(f"o.{f}" for f in ORG_FIELDS)
_NEW_FIELDS = ", ".join(f"n.{f}" for f in ORG_FIELDS)
PG_CHANGED = {  # function -> the condition under which it moves the version
    PG_BUMP: "EXISTS (SELECT 1 FROM changed_rows)",
    PG_BUMP_IF_RENAMED: (f"EXISTS (SELECT 1 FROM old_rows o JOIN changed_rows n ON n.id = o.id "
                         f"WHERE ({_OLD_FIELDS}) IS DISTINCT FROM ({_NEW_FIELDS}))"),
}


def _pg_function(name: str, condition: str) -> str:
    return (f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
            f"IF {condition} THEN "
            f"UPDATE app_meta SET value = md5(random()::text || clock_timestamp()::text) "
            f"WHERE key = TG_ARGV[0]; END IF; RETURN NULL; END $$ LANGUAGE plpgsql")


def _name(table: str, key: str, event: str) -> str:
    return f"{table}_bump_{key}_{event.lower()}"


def _renames_only(table: str, event: str) -> bool:
    """Whether the trigger fires only for rows whose ORG_FIELDS changed."""
    return table == "organizations" and event == "UPDATE"


def _postgresql_trigger(table: str, key: str, event: str) -> str:
    if _renames_only(table, event):
        rows, function = "OLD TABLE AS old_rows NEW TABLE AS changed_rows", PG_BUMP_IF_RENAMED
    else:
        rows, function = f"{'OLD' if event == 'DELETE' else 'NEW'} TABLE AS changed_rows", PG_BUMP
    return (f"CREATE TRIGGER {_name(table, key, event)} AFTER {event} ON {table} "
            f"REFERENCING {rows} FOR EACH STATEMENT EXECUTE FUNCTION {function}('{key}')")


def _sqlite_trigger(table: str, key: str, event: str) -> str:
    when = ""
    if _renames_only(table, event):
        when = " WHEN " + " OR ".join(f"OLD.{f} IS NOT NEW.{f}" for f in ORG_FIELDS)
    return (f"CREATE TRIGGER {_name(table, key, event)} AFTER {event} ON {table}{when} "
            f"BEGIN UPDATE app_meta SET value = lower(hex(randomblob(16))) "
            f"WHERE key = '{key}'; END")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for key in sorted({key for key, _ in WATCHED.values()}):
        op.execute(f"INSERT INTO app_meta (key, value) VALUES ('{key}', '0')")
    if postgresql:
        for function, condition in PG_CHANGED.items():
            op.execute(_pg_function(function, condition))
    for table, (key, events) in WATCHED.items():
        for event in events:
            op.execute(_postgresql_trigger(table, key, event) if postgresql
                       else _sqlite_trigger(table, key, event))


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, (key, events) in WATCHED.items():
        for event in events:
            op.execute(f"DROP TRIGGER {_name(table, key, event)}"
                       + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for function in PG_CHANGED:
            op.execute(f"DROP FUNCTION {function}()")
    op.execute("DELETE FROM app_meta WHERE key IN ('operators_version', 'state_version')")
