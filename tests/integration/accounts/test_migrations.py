"""The committed migrations build exactly the tables the code declares."""

from export_mgmt.schema import pending_changes


async def test_migrations_agree_with_the_tables():
    assert await pending_changes() == {}
