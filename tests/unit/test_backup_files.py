"""Backup files: the PostgreSQL password stays off the tools' command line, and names never collide."""

from __future__ import annotations

import dataclasses

from export_mgmt.operations.backups.command import default_path
from export_mgmt.operations.backups.postgres import connection
from export_mgmt.settings import get_settings


def test_the_password_goes_to_the_environment_not_the_url():
    url, env = connection("postgresql://export:s%40cret:x@db.example:5433/export_mgmt?sslmode=require")
    assert url == "postgresql://export@db.example:5433/export_mgmt?sslmode=require"
    assert env["PGPASSWORD"] == "s@cret:x"


def test_a_url_without_a_password_is_passed_as_it_is(monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    url, env = connection("postgres://export@db.example/export_mgmt")
    assert url == "postgres://export@db.example/export_mgmt" and "PGPASSWORD" not in env


def test_a_default_name_already_taken_gets_a_number(tmp_path):
    settings = dataclasses.replace(get_settings(), data_dir=tmp_path)
    first = default_path(settings)
    first.parent.mkdir()
    first.write_bytes(b"")
    second = default_path(settings)
    assert second != first and not second.exists() and second.parent == first.parent
