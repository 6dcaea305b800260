"""Legacy users migration (SPEC section 3; issue 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from services.db.engine import Database
from services.db.models import AuditEvent, Operator
from services.legacy import LegacyFileError, LegacyMigration

LEGACY = (Path(__file__).resolve().parents[1] / "fixtures" / "legacy-users.csv").read_text(
    "utf-8")


async def roles(db: Database) -> dict[str, str]:
    async with db.sessions() as session:
        return dict((await session.execute(select(Operator.email, Operator.role))).tuples().all())


async def test_the_example_file(demo_db: Database) -> None:
    report = await LegacyMigration(demo_db.sessions).run(LEGACY)
    assert sorted(report.as_admin) == ["elise.fontaine@contoso.example",
                                       "femke.claes@fabrikam.example"]
    assert sorted(report.as_reader) == ["marc.dubois@contoso.example",
                                        "olivier.roux@alphadist.example",
                                        "sophie.laurent@contoso.example",
                                        "wout.maes@fabrikam.example"]
    assert sorted(report.skipped) == ["lars.nilsson@northwind.example",
                                      "paul.girard@contoso.example"]
    assert report.already_present == ["alice.durand@contoso.example"]
    assert report.invalid == [] and report.written
    after = await roles(demo_db)
    assert after["elise.fontaine@contoso.example"] == "admin"
    assert after["marc.dubois@contoso.example"] == "reader"
    assert after["alice.durand@contoso.example"] == "admin"  # left as it was
    assert "paul.girard@contoso.example" not in after
    async with demo_db.sessions() as session:
        audited = (await session.execute(select(AuditEvent.target).where(
            AuditEvent.action == "operator.migrated"))).scalars().all()
    assert len(audited) == 6


async def test_a_second_run_changes_nothing(demo_db: Database) -> None:
    migration = LegacyMigration(demo_db.sessions)
    await migration.run(LEGACY)
    before = await roles(demo_db)
    again = await migration.run(LEGACY)
    assert again.as_admin == again.as_reader == [] and not again.written
    assert len(again.already_present) == 7 and len(again.skipped) == 2
    assert await roles(demo_db) == before


async def test_dry_run_writes_nothing(demo_db: Database) -> None:
    before = await roles(demo_db)
    report = await LegacyMigration(demo_db.sessions).run(LEGACY, dry_run=True)
    assert len(report.as_admin) == 2 and not report.written
    assert await roles(demo_db) == before


BAD = LEGACY + ("ghost@nowhere.example,Ghost,p-nowhere,Invoice,false\n"
                "cafe@lumiere.example,Café,c-cafe-lumiere,Invoice,false\n"
                "not-an-email,Nobody,p-contoso,Invoice,false\n")


async def test_invalid_rows_refuse_the_whole_file(demo_db: Database) -> None:
    before = await roles(demo_db)
    report = await LegacyMigration(demo_db.sessions).run(BAD)
    assert len(report.invalid) == 3 and not report.written
    assert any("unknown organization" in p for p in report.invalid)
    assert any("customer" in p for p in report.invalid)
    assert any("bad e-mail" in p for p in report.invalid)
    assert await roles(demo_db) == before


async def test_skip_invalid_migrates_the_others(demo_db: Database) -> None:
    report = await LegacyMigration(demo_db.sessions).run(BAD, skip_invalid=True)
    assert len(report.invalid) == 3 and len(report.as_reader) == 4 and report.written


async def test_missing_columns(demo_db: Database) -> None:
    with pytest.raises(LegacyFileError):
        await LegacyMigration(demo_db.sessions).run("email,name\na@b.example,A\n")
