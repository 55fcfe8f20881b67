"""Writing many rows at once: one executemany per table, each distinct value of a column converted only once."""

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def insert_rows(connection: Connection, table: sa.Table, rows: list[dict]) -> None:
    """INSERT the rows (dicts with the same keys) into the table with one executemany.

    Each value goes through its column type's bind conversion (enums to their value, aware times to UTC, dates on
    SQLite to text) as SQLAlchemy would do it, but once per distinct value of a column rather than once per row;
    the statement then binds the converted values as they are. Ten thousand rows sharing a moment, a few deadlines
    and a handful of units cost a fraction of the usual conversion.
    """
    if not rows:
        return
    keys = list(rows[0])
    dialect = connection.dialect
    columns = []
    for key in keys:
        values = [row[key] for row in rows]
        processor = table.c[key].type._cached_bind_processor(dialect)
        if processor is not None:
            try:
                converted = {value: processor(value) for value in set(values) if value is not None}
                values = [None if value is None else converted[value] for value in values]
            except TypeError:  # an unhashable value: each converted in turn
                values = [None if value is None else processor(value) for value in values]
        columns.append(values)
    statement = sa.insert(sa.table(table.name, *(sa.column(key) for key in keys), schema=table.schema))
    compiled = statement.compile(dialect=dialect, column_keys=keys)
    if compiled.positional:  # SQLite: the driver's own executemany, the values in the statement's order
        ordered = [columns[keys.index(name)] for name in compiled.positiontup]
        connection.exec_driver_sql(compiled.string, list(zip(*ordered, strict=True)))
    else:  # PostgreSQL: SQLAlchemy's batched VALUES (insertmanyvalues)
        connection.execute(statement, [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)])
