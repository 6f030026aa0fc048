"""Writing a full render's tens of thousands of rows: one COPY to a table, few Python steps to a value."""

from django.db import connection, models
from psycopg.types.json import Jsonb


def insert_rows(model, rows, **common):
    """Insert `rows` (dicts of field names to values, each with `common` too) as `model`s; returns how many.

    For rows that need no pk back. The values go to PostgreSQL's COPY as they
    are, through psycopg's own adapters: bulk_create would make a model
    instance of each row and prepare each value through its field, which at
    50,000 partners costs more than the database's own work.
    """
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    names = [field.attname for field in fields]
    # Each value as psycopg adapts it, but JSON, which it cannot tell from a Python list or dict.
    json_fields = {field.attname for field in fields if isinstance(field, models.JSONField)}
    # What bulk_create gives a field a row leaves out ("" for text without a default).
    defaults = {field.attname: field.get_default() for field in fields}
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    created = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            row = {**defaults, **common, **row}
            copy.write_row([Jsonb(row[name]) if name in json_fields else row[name] for name in names])
            created += 1
    return created
