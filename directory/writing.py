"""Writing a full build's tens of thousands of rows: COPY in large batches, few Python steps to a value."""

from itertools import islice

from django.db import connection, models
from psycopg.types.json import Jsonb

ROW_BATCH_SIZE = 1000


def insert_rows(model, rows, *, batch_size=ROW_BATCH_SIZE, **common):
    """Insert `rows` (dicts of field names to values, each with `common` too) as `model`s; returns how many.

    For rows that need no pk back. The values go to PostgreSQL's COPY as they
    are, through psycopg's own adapters: bulk_create would make a model
    instance of each row and prepare each value through its field, which at
    50,000 partners costs more than the database's own work.

    `rows` may be a generator that queries as it goes (directory/build.py's do):
    each batch is read before its COPY starts, as a connection in the middle of
    a COPY can run nothing else.
    """
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    names = [field.attname for field in fields]
    # Each value as psycopg adapts it, but JSON, which it cannot tell from a Python list or dict.
    json_fields = {field.attname for field in fields if isinstance(field, models.JSONField)}
    # What bulk_create gives a field a row leaves out ("" for text without a default).
    defaults = {field.attname: field.get_default() for field in fields}
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    rows = iter(rows)
    created = 0
    with connection.cursor() as cursor:
        while batch := list(islice(rows, batch_size)):
            with cursor.copy(sql) as copy:
                for row in batch:
                    row = {**defaults, **common, **row}
                    copy.write_row([Jsonb(row[name]) if name in json_fields else row[name] for name in names])
            created += len(batch)
    return created
