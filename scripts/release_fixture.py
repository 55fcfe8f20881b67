"""Write the upgrade test's fixture: the demo office as an earlier release builds it, every row of every table.

    .venv/bin/python scripts/release_fixture.py COMMIT [--now 2026-11-26T10:00] [--out tests/data/release_<rev>.json.gz]

Takes the release's code out of git (`git archive COMMIT`, no worktree), runs its own `init-db`, `seed-demo --now`
and `sweep --now` on a fresh SQLite file, and stores the rows as gzipped JSON with the migration head they were
written at. tests/database/test_migrations.py loads it at that revision, upgrades to head and checks that nothing
was lost: when a release ships, make the fixture of that release so the next one is checked against it.
"""

import argparse
import gzip
import json
import os
import sqlite3
import subprocess  # nosec B404: git and the release's own flask, fixed arguments
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(commit: str, now: str, folder: Path) -> Path:
    """The release's demo office in folder/release.sqlite."""
    code = folder / "code"
    code.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True)  # nosec
    subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)  # nosec
    database = folder / "release.sqlite"
    env = {
        **os.environ,
        "DUBAN_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "DUBAN_SECRET_KEY": "release-fixture",  # nosec B105: a throwaway database
        "DUBAN_ADMIN_PASSWORD": "pine-forest-lookout-7",  # nosec B105: a throwaway database
    }
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for args in (["init-db"], ["seed-demo", "--now", now], ["sweep", "--now", now]):
        subprocess.run([*flask, *args], cwd=code, env=env, check=True, stdout=subprocess.DEVNULL)  # nosec
    return database


def rows_of(database: Path) -> dict:
    """Every table's columns and rows (as SQLite holds them), and the migration head."""
    connection = sqlite3.connect(database)
    names = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT IN ('alembic_version', 'sqlite_sequence') "
            "ORDER BY name"
        )
    ]
    tables = {}
    for name in names:
        cursor = connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid')  # nosec B608: names from the schema
        tables[name] = {"columns": [d[0] for d in cursor.description], "rows": cursor.fetchall()}
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    return {"revision": revision, "tables": tables}


def main() -> None:
    """Build, dump and write the fixture."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit")
    parser.add_argument("--now", default="2026-11-26T10:00")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        found = rows_of(build(args.commit, args.now, Path(folder)))
    found["commit"], found["now"] = args.commit, args.now
    out = args.out or ROOT / "tests" / "data" / f"release_{found['revision']}.json.gz"
    out.write_bytes(gzip.compress(json.dumps(found, ensure_ascii=False, separators=(",", ":")).encode(), 9, mtime=0))
    counts = {name: len(table["rows"]) for name, table in found["tables"].items()}
    print(f"{out}: revision {found['revision']}, {sum(counts.values())} rows in {len(counts)} tables")


if __name__ == "__main__":
    main()
