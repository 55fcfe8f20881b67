"""Print the URL of an empty PostgreSQL database for one benchmark: `<database>_bench` on the server of the URL given.

    .venv/bin/python scripts/fresh_bench_database.py postgresql://postgres@127.0.0.1:5432/test

Each benchmark loads its own rows into an empty database, so `make bench DATABASE_URL=…` gives every script a new
one (dropped and created again) beside the database named, never that database itself.
"""

import sys

import sqlalchemy as sa


def fresh_database(url: str) -> str:
    """Drop and create `<database>_bench` on the server of `url` and return its URL."""
    server = sa.make_url(url)
    if not server.drivername.startswith("postgresql"):
        raise SystemExit(f"not a PostgreSQL URL: {url}")
    name = f"{server.database}_bench"
    engine = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


if __name__ == "__main__":
    print(fresh_database(sys.argv[1]))
