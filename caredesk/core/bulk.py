"""Writing many rows at once."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def rows_update(objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Save `fields` of every object (all of one model) with one prepared UPDATE run for each.

    Unlike QuerySet.bulk_update, which builds one CASE expression per field over all the rows,
    this is one short statement executed many times (pipelined by psycopg), which is much
    cheaper to build and to run.
    """
    if not objs:
        return
    meta = type(objs[0])._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    concrete = [c for c in columns if isinstance(c, models.Field)]
    if len(concrete) != len(columns) or meta.pk is None:
        raise TypeError(f"rows_update needs concrete fields of {meta.label}, got {fields}")
    assignments = ", ".join(f"{quote(str(c.column))} = %s" for c in concrete)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(meta.pk.column))} = %s"
    params = [
        [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in concrete] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
