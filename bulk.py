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
    converters = []
    for key in keys:
        processor = table.c[key].type._cached_bind_processor(dialect)
        converters.append((key, processor, {}))
    converted = []
    for row in rows:
        out = []
        for key, processor, seen in converters:
            value = row[key]
            if processor is not None and value is not None:
                try:
                    value = seen[value]
                except KeyError:
                    seen[value] = converted_value = processor(value)
                    value = converted_value
                except TypeError:  # an unhashable value: converted every time
                    value = processor(value)
            out.append(value)
        converted.append(out)
    statement = sa.insert(sa.table(table.name, *(sa.column(key) for key in keys), schema=table.schema))
    compiled = statement.compile(dialect=dialect, column_keys=keys)
    if compiled.positional:  # SQLite: the driver's own executemany, the values in the statement's order
        order = [keys.index(name) for name in compiled.positiontup]
        connection.exec_driver_sql(compiled.string, [tuple(out[i] for i in order) for out in converted])
    else:  # PostgreSQL: SQLAlchemy's batched VALUES (insertmanyvalues)
        connection.execute(statement, [dict(zip(keys, out, strict=True)) for out in converted])
