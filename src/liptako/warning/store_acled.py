"""An ACLED export straight into the analytics store (:mod:`liptako.warning.store`), columnar,
for bulk history, without the registry.

The importer's row rules (:mod:`liptako.ingest.records`) run once per distinct value, points are
placed by the importer's :func:`~liptako.incidents.place.place_points`, and rejected rows are
replayed through :func:`~liptako.ingest.acled.read_acled`, so their field and reason are the
importer's. Memory is bounded by the batch (polars' streaming scan of the needed columns); the
file is written under a temporary name and renamed into place.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from liptako.core.adminlevels import levels_of
from liptako.core.geo import STATES, admin_index
from liptako.incidents.place import place_points
from liptako.incidents.rules import acled_event_type, targets_civilians
from liptako.ingest import records as rec
from liptako.ingest.acled import ISO3_BY_NUMERIC, read_acled
from liptako.ingest.records import RowError
from liptako.warning.store import Progress, month_ids, write_store

DType = pl.DataType | type[pl.DataType]

# the ACLED columns the store needs; every other column (notes, sources, ...) is never parsed
_CSV_COLUMNS = ("event_id_cnty", "event_date", "time_precision", "event_type", "actor1",
                "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "interaction",
                "latitude", "longitude", "geo_precision", "fatalities", "timestamp", "iso",
                "iso3", "civilian_targeting")
# checked in the importer's order, so a row with several faults names the same field
_CHECKS = ("event_id_cnty", "event_date", "event_type", "actor1", "fatalities",
           "time_precision", "latitude", "longitude", "geo_precision")


@dataclass(frozen=True)
class ColumnarSummary:
    """What :func:`csv_to_parquet` did."""

    path: Path
    records: int
    events: int
    written: int
    rejected: int
    errors: tuple[RowError, ...]
    outside_country: int
    placed_nearest: int
    unplaced: int
    seconds: float


@dataclass
class _Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("records", "events", "written", "outside_country", "placed_nearest", "unplaced"), 0))
    scanned: int = 0  # records polars saw, blank lines included (they count as lines)
    bad: list[pl.DataFrame] = field(default_factory=list)



def csv_to_parquet(csv_path: Path, parquet_path: Path, *, today: dt.date,
                   batch_rows: int = 500_000,
                   progress: Progress | None = None) -> ColumnarSummary:
    """Validate, place and store an ACLED export without the registry (see module docstring)."""
    started = time.perf_counter()
    header = _scan(csv_path).collect_schema().names() if csv_path.stat().st_size else []
    head = pl.DataFrame(schema=dict.fromkeys(header, pl.String)).write_csv()
    list(read_acled(io.StringIO(head), today=today))  # the importer's HeaderInvalid, if any
    tally = _Tally()

    def frames() -> Iterator[pl.DataFrame]:
        for batch in _event_batches(csv_path, header, batch_rows):
            tally.counts["records"] += batch.height
            tally.scanned = int(batch["_row"][-1]) + 1 if batch.height else tally.scanned
            heads = _heads(batch, dyadic="actor2" in header)
            tally.counts["events"] += heads.height
            yield _checked_and_placed(heads, today, tally)
            if progress is not None:
                progress(batch.height)

    write_store(frames, parquet_path)
    errors = _explain(csv_path, tally, today)
    return ColumnarSummary(parquet_path, rejected=len(errors), errors=errors,
                           seconds=time.perf_counter() - started, **tally.counts)


def _event_batches(path: Path, header: list[str], batch_rows: int) -> Iterator[pl.DataFrame]:
    """Record batches of the needed columns (absent ones null), holding whole events."""
    dyadic = "actor2" in header
    # a dyadic file never needs the columns that order a monadic event's rows
    read = [c for c in _CSV_COLUMNS if c in header
            and not (dyadic and c in ("assoc_actor_1", "inter1", "interaction"))]
    scan = (_scan(path).select(read).with_row_index("_row")
            .with_columns(pl.lit(None, dtype=pl.String).alias(c)
                          for c in _CSV_COLUMNS if c not in read))
    pending: pl.DataFrame | None = None
    for batch in scan.collect_batches(chunk_size=batch_rows):
        blank = batch.select(pl.all_horizontal(pl.exclude("_row").is_null())).to_series()
        if blank.any():  # a blank line: the importer's csv reader skips it
            batch = batch.filter(~blank)
        batch = batch if pending is None else pl.concat([pending, batch])
        if not dyadic:  # hold the last event back: its rows may go on in the next batch
            starts = np.flatnonzero(_starts(batch["event_id_cnty"]).to_numpy())
            cut = int(starts[-1]) if starts.size else 0
            batch, pending = batch.slice(0, cut), batch.slice(cut)
        if batch.height:
            yield batch
    if pending is not None and pending.height:
        yield pending


def _scan(path: Path) -> pl.LazyFrame:
    """Every column as text (the importer's rules decide), a UTF-8 BOM dropped as it does."""
    return pl.scan_csv(path, infer_schema=False,
                       with_column_names=lambda names: [n.removeprefix("\ufeff") for n in names])


def _starts(ids: pl.Series) -> pl.Series:
    """Where an event begins: the id differs from the row before (importer: consecutive)."""
    return ids.ne_missing(ids.shift(1)).alias("_start")


def _heads(batch: pl.DataFrame, *, dyadic: bool) -> pl.DataFrame:
    """One row per event; ``actor1``/``actor2``/``assoc_actor_2`` hold its two sides."""
    if dyadic:
        return batch
    # monadic: the side whose inter1 is the first digit of the interaction code is side 1
    code = pl.col("_code").first().over("_event")
    valid = (code.str.len_chars() == 2) & (code.str.slice(0, 1) != code.str.slice(1, 1))
    later = pl.col("inter1").str.strip_chars().fill_null("") != code.str.slice(0, 1)
    ranked = batch.with_columns(_starts(batch["event_id_cnty"]).cum_sum().alias("_event"),
                                pl.col("interaction").str.strip_chars().fill_null("").alias(
                                    "_code")).with_columns(valid.and_(later).alias("_rank"))
    sides = (ranked.select("_event", "_rank", "actor1", "assoc_actor_1")
             .sort("_event", "_rank", maintain_order=True)
             .group_by("_event", maintain_order=True)
             .agg(pl.col("actor1").first(), pl.col("actor1").slice(1, 1).first().alias("actor2"),
                  pl.col("assoc_actor_1").slice(1, 1).first().alias("assoc_actor_2")))
    heads = (ranked.filter(pl.col("_event").is_first_distinct())
             .drop("actor1", "actor2", "assoc_actor_2"))
    return heads.join(sides, on="_event", how="left", maintain_order="left")


def _strip(frame: pl.DataFrame, name: str) -> pl.Series:
    """A text column as the importer sees it: stripped, blank as null."""
    return (text := frame[name].str.strip_chars()).set(text == "", None)


def _per_value(column: pl.Series, rule: Callable[[str], Any], dtype: DType,
               invalid: Any = None) -> pl.Series:
    """The importer's scalar rule run once per distinct value (ACLED columns repeat heavily),
    mapped back in bulk; RowInvalid gives ``invalid``; an empty cell (null) is "" to it."""
    def apply(value: str) -> Any:
        try:
            return rule(value)
        except rec.RowInvalid:
            return invalid

    distinct = column.drop_nulls().unique()
    if dtype == pl.Boolean:  # a set probe is cheaper than a gather
        return column.is_in([v for v in distinct.to_list() if apply(v)]).fill_null(apply(""))
    mapped = pl.Series([apply(v) for v in distinct.to_list()], dtype=dtype, strict=False)
    return column.replace_strict(distinct, mapped, default=pl.lit(apply(""), dtype=dtype),
                                 return_dtype=dtype)


def _vectorised_first(column: pl.Series, fast: pl.Series, rule: Callable[[str], Any],
                      dtype: DType, invalid: Any = None) -> pl.Series:
    """``fast`` where polars read the value; the importer's rule for what it could not read."""
    todo = fast.is_null() & column.is_not_null()
    if todo.any():
        fast = fast.scatter(np.flatnonzero(todo.to_numpy()),
                            _per_value(column.filter(todo), rule, dtype, invalid))
    return fast


def _codes(column: pl.Series) -> pl.Series:
    """A precision code: 1..3 as read by polars, -1 for any other number (blank stays null)."""
    return (number := column.cast(pl.Int8, strict=False)).set(~number.is_between(1, 3), -1)


def _parsed(frame: pl.DataFrame) -> pl.DataFrame:
    """Typed values (null where invalid; -1 for an invalid precision code) and blank flags."""
    date, fatal = frame["event_date"], frame["fatalities"]
    precision = partial(rec.parse_small_int, field_name="precision", allowed=range(1, 4))
    kind = _per_value(frame["event_type"], acled_event_type, pl.String)
    return frame.with_columns(
        _vectorised_first(date, date.str.to_date("%Y-%m-%d", strict=False, cache=False),
                          partial(rec.parse_date, field_name="event_date"), pl.Date)
        .alias("occurred_on"),
        kind.alias("event_type_common"),
        _vectorised_first(fatal, fatal.cast(pl.Int64, strict=False).set(
            fatal.cast(pl.Int64, strict=False) < 0, None),  # negative: the rule says why
            partial(rec.parse_count, field_name="fatalities", required=True), pl.Int64)
        .alias("fatalities_n"),
        *[_vectorised_first(frame[c], _codes(frame[c]), precision, pl.Int8, invalid=-1)
          .alias(f"{c}_n") for c in ("time_precision", "geo_precision")],
        _strip(frame, "event_id_cnty").alias("source_id"),
        _strip(frame, "actor1").is_null().alias("actor1_blank"),
        *[_vectorised_first(frame[c], frame[c].cast(pl.Float64, strict=False),
                            partial(rec.parse_coordinate, field_name=c, limit=lim), pl.Float64)
          .alias(out)
          for c, lim, out in (("latitude", 90, "lat"), ("longitude", 180, "lon"))],
    )


def _faults(today: dt.date) -> list[pl.Expr]:
    """One flag per rule over :func:`_parsed` columns, in the order of ``_CHECKS``."""
    day, lat, lon = pl.col("occurred_on"), pl.col("lat"), pl.col("lon")
    return [
        pl.col("source_id").is_null(),
        day.is_null() | (day > today) | (day.dt.year() < 1946),
        pl.col("event_type_common").is_null(),
        pl.col("actor1_blank"),
        pl.col("fatalities_n").is_null(),
        pl.col("time_precision_n").eq_missing(-1),
        lat.is_null() | ~lat.is_finite() | (lat.abs() > 90),
        lon.is_null() | ~lon.is_finite() | (lon.abs() > 180),
        pl.col("geo_precision_n").eq_missing(-1),
    ]


def _iso3(frame: pl.DataFrame) -> pl.Series:
    """The row's ``iso3``, else its numeric ``iso`` code, as in the importer."""
    own = _per_value(frame["iso3"], lambda v: v.strip().upper() or None, pl.String)
    return (own.fill_null(_per_value(frame["iso"], lambda v: ISO3_BY_NUMERIC.get(v.strip()),
                                     pl.String)) if own.null_count() else own).alias("iso3")


def _civilians(frame: pl.DataFrame) -> pl.Series:
    """ACLED's own flag when set, else :func:`~liptako.incidents.rules.targets_civilians`."""
    def side2(names: str) -> bool:  # any name on the other side starts with "Civilians"
        return targets_civilians("battle", [n.strip() for n in names.split(";") if n.strip()])

    hit = (_per_value(frame["assoc_actor_2"], side2, pl.Boolean) | _per_value(
        frame["actor2"], lambda v: targets_civilians("battle", [v.strip()]), pl.Boolean))
    kind = frame["event_type_common"]
    always = _per_value(kind, lambda k: targets_civilians(k, []), pl.Boolean)
    if_hit = _per_value(kind, lambda k: targets_civilians(k, ["Civilians"]), pl.Boolean)
    own = _strip(frame, "civilian_targeting").is_not_null()
    return (own | always | (if_hit & hit)).alias("civilian_targeting")


def _checked_and_placed(heads: pl.DataFrame, today: dt.date, tally: _Tally) -> pl.DataFrame:
    # a check that cannot decide (null) sends the row to the importer's parser: never lost
    checked = _parsed(heads).with_columns(
        pl.any_horizontal(_faults(today)).fill_null(True).alias("_bad"))
    good = checked
    if checked["_bad"].any():
        first: pl.Expr = pl.lit(None, dtype=pl.String)
        for name, fault in reversed(list(zip(_CHECKS, _faults(today), strict=True))):
            first = pl.when(fault).then(pl.lit(name)).otherwise(first)
        tally.bad.append(checked.filter(pl.col("_bad"))
                         .select("_row", first.alias("_fault"), *_CSV_COLUMNS))
        good = checked.filter(~pl.col("_bad"))
    good = good.with_columns(_iso3(good), _civilians(good))
    # numpy object arrays are slow to build from strings: map to codes, then take
    named = ("", *STATES)
    code = _per_value(good["iso3"], lambda v: named.index(v) if v in named else 0, pl.Int8)
    iso = np.array(named, dtype=object)[code.to_numpy()]
    points = place_points(good["lat"].to_numpy(), good["lon"].to_numpy(), iso)
    unit, km = points.unit, points.outside_km
    for name, n in (("written", good.height), ("unplaced", np.count_nonzero(unit < 0)),
                    ("outside_country", np.count_nonzero(km > 0)),
                    ("placed_nearest", np.count_nonzero((unit >= 0) & (km > 0)))):
        tally.counts[name] += int(n)
    return good.select(
        pl.lit(None, dtype=pl.Int64).alias("incident_id"), pl.lit("acled").alias("source"),
        "source_id", _strip(good, "timestamp").alias("source_version"),
        "occurred_on", month_ids(pl.col("occurred_on")).alias("month_id"),
        pl.col("time_precision_n").alias("date_precision"),
        "iso3", *_admin_columns(unit, km),
        pl.Series("priogrid_gid", points.priogrid_gid, dtype=pl.Int32),
        pl.Series("in_liptako_gourma", points.in_liptako_gourma), "lat", "lon",
        pl.col("geo_precision_n").alias("geo_precision"),
        pl.col("event_type_common").alias("event_type"),
        pl.col("fatalities_n").alias("fatalities"),
        "civilian_targeting", pl.lit(False).alias("deleted"),
    )


def _admin_columns(unit: NDArray[np.int64], km: NDArray[np.float64]) -> list[pl.Expr]:
    """admin1/admin2 codes at the importer's levels, method and distance, as in ``place()``."""
    levels = [levels_of(u) for u in admin_index().units] + [levels_of(None)]
    at = pl.lit(pl.Series(np.where(unit < 0, len(levels) - 1, unit)))
    codes = [pl.lit(pl.Series([lv[k] for lv in levels], dtype=pl.String)).gather(at)
             for k in (0, 2)]
    far = pl.lit(pl.Series(np.where(km > 0, np.round(km, 3), np.nan)))  # NaN > 0 is False
    method = pl.when(pl.lit(pl.Series(unit >= 0))).then(
        pl.when(far.is_nan()).then(pl.lit("point")).otherwise(pl.lit("nearest")))
    return [codes[0].alias("admin1_code"), codes[1].alias("admin2_code"),
            method.alias("admin_method"), far.fill_nan(None).alias("outside_country_km")]


def _explain(path: Path, tally: _Tally, today: dt.date) -> tuple[RowError, ...]:
    """Line, field and reason of each rejected event, in file order: the rows are replayed
    through :func:`read_acled` as dyadic rows holding each event's two sides."""
    if not tally.bad:
        return ()
    bad = pl.concat(tally.bad).sort("_row")
    lines = _lines(path, bad["_row"].to_numpy().astype(np.int64), tally.scanned)
    parsed = list(read_acled(io.StringIO(bad.drop("_row", "_fault").write_csv()), today=today))
    # the vectorised checks should never be stricter than the importer; if they were, say so
    return tuple(RowError(int(line), r.source_id, r.field, r.reason)
                 if isinstance(r, RowError) and r.field == fault else
                 RowError(int(line), (sid or "").strip() or None, fault, "rejected by the "
                          "columnar checks, accepted by the importer") for line, fault, sid, r
                 in zip(lines, bad["_fault"], bad["event_id_cnty"], parsed, strict=True))


def _lines(path: Path, rows: NDArray[np.int64], records: int) -> NDArray[np.int64]:
    """File line each record starts on, as the importer numbers them (header is line 1)."""
    physical = (pl.scan_csv(path, has_header=False, quote_char=None, separator="\x1f",
                            new_columns=["line"], infer_schema=False, truncate_ragged_lines=True)
                .select(pl.len()).collect().item())
    if physical <= records + 1:  # header + one line per record: no line break inside a field
        return rows + 2
    before = (_scan(path).head(int(rows.max()) + 1).select(pl.sum_horizontal(
        pl.all().str.count_matches("\n", literal=True).fill_null(0)).cum_sum().shift(1)
        .fill_null(0)).collect().to_series().to_numpy())
    out: NDArray[np.int64] = rows + 2 + before[rows]
    return out
