"""Writing a full render's tens of thousands of rows: many rows to an INSERT, few Python steps to a value."""

from itertools import islice

from django.db import connection, models

ROW_BATCH_SIZE = 1000


def insert_rows(model, rows, *, batch_size=ROW_BATCH_SIZE, **common):
    """Insert `rows` (dicts of field names to values, each with `common` too) as `model`s; returns how many.

    For rows that need no pk back. On PostgreSQL the values go to
    `execute_values` as they are, a batch to a statement: bulk_create would
    make a model instance of each row and prepare each value through its
    field, which at 50,000 partners costs more than the database's own work.
    Elsewhere (SQLite for `make run`), bulk_create.
    """
    rows = iter(rows)
    created = 0
    if connection.vendor != "postgresql":
        while batch := [model(**common, **row) for row in islice(rows, batch_size)]:
            model.objects.bulk_create(batch)
            created += len(batch)
        return created

    from psycopg2.extras import Json, execute_values

    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    # Each value as psycopg2 adapts it, but JSON, which it cannot tell from a Python list or dict.
    json_fields = {field.attname for field in fields if isinstance(field, models.JSONField)}
    # What bulk_create gives a field a row leaves out ("" for text without a default).
    defaults = {field.attname: field.get_default() for field in fields}
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES %s"  # noqa: S608 (the model's own table and columns)
    with connection.cursor() as cursor:
        while batch := list(islice(rows, batch_size)):
            values = []
            for row in batch:
                row = {**defaults, **common, **row}
                values.append(
                    [
                        Json(row[field.attname]) if field.attname in json_fields else row[field.attname]
                        for field in fields
                    ]
                )
            execute_values(cursor, sql, values, page_size=batch_size)
            created += len(batch)
    return created
