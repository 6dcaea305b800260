from sqlalchemy import inspect

from services.db.engine import Database
from services.db.migrate import current_revision, head_revision
from services.db.models import Base


async def test_migrations_create_every_model_table(database: Database) -> None:
    assert await current_revision(database.engine) == head_revision()
    async with database.engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    assert set(Base.metadata.tables) <= tables


async def test_ping(database: Database) -> None:
    assert await database.ping()
