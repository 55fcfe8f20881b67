"""`backup` and `restore`: the demo office, its files in the database, restored into an empty database, row for
row and file for file (SQLite: the online backup API; PostgreSQL: pg_dump / pg_restore)."""

import contextlib
import hashlib
import stat
import uuid

import pytest
import sqlalchemy as sa

from app import create_app
from extensions import db
from models import Attachment, Base, Feedback
from tests.conftest import PG_URL, make_config

SAMPLE = 3  # rows compared in full at each end of every table


@pytest.fixture
def office_with_files(app, demo_office):
    """The demo office, with files attached to its first reports."""
    demo_office(sweep=False)
    for n, feedback in enumerate(db.session.scalars(sa.select(Feedback).order_by(Feedback.id).limit(3))):
        content = hashlib.sha512(str(n).encode()).digest() * (200 + n)
        feedback.attachments.append(
            Attachment(
                filename=f"附件{n}.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                stored_name=f"{n:032d}.pdf",
                content=content,
            )
        )
    db.session.commit()


def _plain(value):
    return hashlib.sha256(value).hexdigest() if isinstance(value, bytes) else value


def fingerprint(session) -> dict:
    """Every table's row count, its first and last rows in full (files by their hash), and every file's hash."""
    found = {}
    for table in Base.metadata.sorted_tables:
        order = list(table.primary_key)
        count = session.scalar(sa.select(sa.func.count()).select_from(table))
        ends = [
            session.execute(table.select().order_by(*(c.desc() if last else c for c in order)).limit(SAMPLE)).all()
            for last in (False, True)
        ]
        found[table.name] = (count, [[tuple(_plain(v) for v in row) for row in rows] for rows in ends])
    found["files"] = [
        (key, hashlib.sha256(content).hexdigest() == sha256)
        for key, content, sha256 in session.execute(
            sa.select(Attachment.id, Attachment.content, Attachment.sha256).order_by(Attachment.id)
        )
    ]
    found["revision"] = session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    return found


@contextlib.contextmanager
def empty_database(backend: str, database_url: str, tmp_path):
    """The URL of a new, empty database (PostgreSQL: a new database, the same schema name), dropped afterwards."""
    if backend == "sqlite":
        yield "sqlite:///" + str(tmp_path / "restored.sqlite")
        return
    name = f"duban_restore_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def test_should_restore_a_backup_of_the_demo_office_into_an_empty_database_with_every_row_and_file(
    app, runner, office_with_files, backend, database_url, tmp_path
):
    file = tmp_path / "duban.backup"
    result = runner.invoke(args=["backup", str(file)])
    assert result.exit_code == 0 and "已备份到" in result.output and "反馈附件 3 个" in result.output, result.output
    assert stat.S_IMODE(file.stat().st_mode) == 0o600  # password hashes and phone numbers inside
    before = fingerprint(db.session)
    assert sum(ok for _, ok in before["files"]) == 3 and before["item"][0] > 0

    with empty_database(backend, database_url, tmp_path) as target:
        restored = create_app(make_config(target))
        with restored.app_context():
            result = restored.test_cli_runner().invoke(args=["restore", str(file)])
            assert result.exit_code == 0 and "已从" in result.output, result.output
            after = fingerprint(db.session)
            again = restored.test_cli_runner().invoke(args=["restore", str(file)])
            db.session.remove()
            db.engine.dispose()
    assert after == before
    assert again.exit_code == 1 and "目标数据库不是空的" in again.output  # never over an office's data


def test_should_refuse_a_file_that_is_not_a_backup(app, runner, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    result = runner.invoke(args=["restore", str(junk)])
    assert result.exit_code == 1 and "不是 Duban 的备份文件" in result.output


def test_should_say_in_chinese_when_pg_dump_is_missing(app, runner, backend, tmp_path, monkeypatch):
    if backend != "postgresql":
        pytest.skip("SQLite needs no client program")
    monkeypatch.setattr("cli.backup.shutil.which", lambda name: None)
    result = runner.invoke(args=["backup", str(tmp_path / "x.backup")])
    assert result.exit_code == 1 and "未找到 pg_dump" in result.output and "postgresql-client" in result.output
