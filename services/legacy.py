"""Migration of the legacy portal's users (SPEC section 3).

A legacy tenant admin becomes Admin; a user with the Invoice module becomes Reader;
anyone else is reported, not migrated. Existing operators are left as they are, so a
second run changes nothing. The whole file is checked first: an invalid row (unknown
organization, a customer organization, a bad e-mail) refuses the file unless invalid
rows are skipped on purpose. Writes happen in one transaction."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.models import AuditEvent, Operator, OperatorStatus, Organization, OrgKind, Role
from services.network.validate import EMAIL_RE

COLUMNS = ("email", "name", "organization", "modules", "is_tenant_admin")
ACTOR = "legacy-migration"


class LegacyFileError(Exception):
    """The file cannot be read as the legacy export (missing columns, bad CSV)."""


@dataclass(frozen=True)
class LegacyRow:
    line: int
    email: str
    name: str
    organization: str
    modules: frozenset[str]
    tenant_admin: bool


@dataclass
class MigrationReport:
    as_admin: list[str] = field(default_factory=list)
    as_reader: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # no Invoice module, not an admin
    already_present: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # "line N email: reason"
    written: bool = False

    def summary(self) -> str:
        return (f"migrated as admin: {len(self.as_admin)}, as reader: {len(self.as_reader)}, "
                f"skipped (no Invoice module): {len(self.skipped)}, already present: "
                f"{len(self.already_present)}, invalid: {len(self.invalid)}")


def parse_legacy_csv(text: str) -> tuple[list[LegacyRow], list[str]]:
    """Rows, and the problems of rows that are not even well-formed."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise LegacyFileError(f"missing column(s): {', '.join(missing)}")
    rows, problems = [], []
    for number, raw in enumerate(reader, start=2):
        email = (raw.get("email") or "").strip().lower()
        admin = (raw.get("is_tenant_admin") or "").strip().lower()
        if admin not in {"true", "false", "1", "0", "yes", "no", ""}:
            problems.append(f"line {number} {email or '?'}: is_tenant_admin must be true or "
                            "false")
            continue
        rows.append(LegacyRow(
            line=number, email=email, name=(raw.get("name") or "").strip() or email,
            organization=(raw.get("organization") or "").strip(),
            modules=frozenset(m.strip().lower() for m in (raw.get("modules") or "").split(";")
                              if m.strip()),
            tenant_admin=admin in {"true", "1", "yes"},
        ))
    return rows, problems


class LegacyMigration:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def run(self, text: str, *, dry_run: bool = False,
                  skip_invalid: bool = False) -> MigrationReport:
        rows, problems = parse_legacy_csv(text)
        report = MigrationReport(invalid=list(problems))
        async with self._sessions() as session, session.begin():
            kinds = dict((await session.execute(
                select(Organization.id, Organization.kind))).tuples().all())
            existing = set((await session.execute(select(Operator.email))).scalars())
            seen: set[str] = set()
            new: list[tuple[LegacyRow, str]] = []
            for row in rows:
                reason = self._invalid(row, kinds, seen)
                if reason:
                    report.invalid.append(f"line {row.line} {row.email or '?'}: {reason}")
                    continue
                seen.add(row.email)
                role: str | None = Role.ADMIN.value if row.tenant_admin else (
                    Role.READER.value if "invoice" in row.modules else None)
                if row.email in existing:
                    report.already_present.append(row.email)
                elif role is None:
                    report.skipped.append(row.email)
                else:
                    (report.as_admin if role == Role.ADMIN else report.as_reader).append(
                        row.email)
                    new.append((row, role))
            if report.invalid and not skip_invalid:
                return report
            if dry_run:
                return report
            for row, new_role in new:
                session.add(Operator(email=row.email, name=row.name,
                                     organization_id=row.organization, role=new_role,
                                     status=OperatorStatus.ACTIVE, added_by=ACTOR))
                session.add(AuditEvent(actor=ACTOR, action="operator.migrated",
                                       organization_id=row.organization,
                                       target=row.email, after={
                                           "organization": row.organization,
                                           "role": new_role}))
            report.written = bool(new)
        return report

    @staticmethod
    def _invalid(row: LegacyRow, kinds: dict[str, str], seen: set[str]) -> str | None:
        if not EMAIL_RE.match(row.email) or len(row.email) > 320:
            return "bad e-mail"
        if row.email in seen:
            return "duplicated e-mail"
        kind = kinds.get(row.organization)
        if kind is None:
            return f"unknown organization {row.organization!r}"
        if kind == OrgKind.CUSTOMER:
            return f"{row.organization!r} is a customer (customers have no operators)"
        return None
