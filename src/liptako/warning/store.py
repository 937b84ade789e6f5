"""The analytics store: one Parquet file of events (:data:`SCHEMA`) for hotspots and forecasts.

:func:`refresh_from_database` streams the registry's live incidents out in chunks;
:mod:`liptako.warning.store_acled` takes an ACLED export straight to the same file.

It lives with the analytics that read it, beside :mod:`liptako.warning.analytics` rather than
in it: that package stays pure (arrays in, arrays out), while this module reads the database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
from polars.io.plugins import register_io_source
from sqlalchemy import Engine, String, cast, select

from liptako.core.clock import month_start
from liptako.incidents.models import Incident

SCHEMA = pl.Schema({
    "incident_id": pl.Int64, "source": pl.String, "source_id": pl.String, "source_version":
    pl.String, "occurred_on": pl.Date, "month_id": pl.Int32, "date_precision": pl.Int8, "iso3":
    pl.String, "admin1_code": pl.String, "admin2_code": pl.String, "admin_method": pl.String,
    "outside_country_km": pl.Float64, "priogrid_gid": pl.Int32, "in_liptako_gourma": pl.Boolean,
    "lat": pl.Float64, "lon": pl.Float64, "geo_precision": pl.Int8, "event_type": pl.String,
    "fatalities": pl.Int64, "civilian_targeting": pl.Boolean, "deleted": pl.Boolean})
Progress = Callable[[int], None]
_EPOCH_YEAR = month_start(1).year  # month_id 1 is January of this year


def month_ids(days: pl.Expr) -> pl.Expr:
    """Vectorised :func:`liptako.core.clock.month_id` of a date column."""
    return ((days.dt.year() - _EPOCH_YEAR) * 12 + days.dt.month()).cast(pl.Int32)


def write_store(frames: Callable[[], Iterator[pl.DataFrame]], path: Path) -> None:
    """Stream frames into ``path`` (temp file, then rename); nothing is kept once written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")

    def source(*_pushdown: object) -> Iterator[pl.DataFrame]:  # a sink pushes nothing down
        for frame in frames():
            yield frame.select(pl.col(n).cast(t) for n, t in SCHEMA.items())

    try:
        register_io_source(source, schema=SCHEMA).sink_parquet(  # zstd 1: cheap to write
            tmp, compression="zstd", compression_level=1)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def refresh_from_database(engine: Engine, path: Path, *, include_deleted: bool = False,
                          chunk_rows: int = 50_000, progress: Progress | None = None) -> int:
    """Rewrite the store from the registry's incidents (live ones only by default); an
    exercise's incidents never go into it: hotspots and forecasts are about real events."""
    names = [n for n in SCHEMA.names() if n != "month_id"]
    columns = {n: getattr(Incident, n) for n in names[1:-1]}
    columns["occurred_on"] = cast(Incident.occurred_on, String)  # parsed in bulk below
    stmt = select(Incident.id, *columns.values(), Incident.deleted_at.is_not(None)).where(
        Incident.exercise.is_(False))
    if not include_deleted:
        stmt = stmt.where(Incident.deleted_at.is_(None))
    stmt, written = stmt.order_by(Incident.id), 0

    def frames() -> Iterator[pl.DataFrame]:
        nonlocal written
        with engine.connect() as conn:  # yield_per: the driver streams, chunk by chunk
            result = conn.execution_options(yield_per=chunk_rows).execute(stmt)
            for rows in result.partitions():
                raw = pl.DataFrame([pl.Series(n, c, strict=False, dtype=pl.String
                                              if n == "occurred_on" else SCHEMA[n])
                                    for n, c in zip(names, zip(*rows, strict=True), strict=True)])
                day = pl.col("occurred_on").str.slice(0, 10).str.to_date("%Y-%m-%d")
                yield raw.with_columns(day.alias("occurred_on"), month_ids(day).alias("month_id"))
                written += len(rows)
                if progress is not None:
                    progress(len(rows))

    write_store(frames, path)
    return written
