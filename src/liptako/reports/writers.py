"""Tabular writers for the exports: CSV with an HXL hashtag row, GeoJSON, XLSX.

Each writer takes the columns and an iterable of rows (tuples in the columns' order) and
writes them to a binary file as they come, so that memory holds one row at a time (and
openpyxl's write-only worksheet, which spools its rows to a temporary file).

Text meant for a spreadsheet (CSV and XLSX) is neutralised: a cell that a spreadsheet would
read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets
a leading apostrophe, as the OWASP guidance on CSV injection recommends. Numbers stay
numbers. GeoJSON is data for programs, not a spreadsheet: its text is left as it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

import orjson
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from liptako.core.errors import RuleViolation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "geojson", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Row = Sequence[Any]
Geometry = Callable[[Row], dict[str, Any] | None]


@dataclass(frozen=True)
class Column:
    """One exported column: its header and its HXL hashtag with attributes."""

    name: str
    tag: str

    def __post_init__(self) -> None:
        if not self.tag.startswith("#") or " " in self.tag:
            raise ValueError(f"column {self.name}: expected an HXL hashtag such as "
                             f"#adm1+name, got {self.tag!r}")


def neutralise(value: Any) -> Any:
    """A text a spreadsheet would run as a formula, behind an apostrophe; anything else as it
    is.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("Ségou"), neutralise(-3)
    ('\\'=HYPERLINK("http://x")', 'Ségou', -3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def write_csv(out: IO[bytes], columns: Sequence[Column], rows: Iterable[Row]) -> int:
    """The header row, the HXL hashtag row, then the rows; UTF-8 with a byte-order mark so
    that spreadsheets read the accents. Returns the number of rows."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([c.name for c in columns])
    writer.writerow([c.tag for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        count += 1
    text.flush()
    text.detach()  # the caller owns ``out``
    return count


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def write_geojson(out: IO[bytes], columns: Sequence[Column], rows: Iterable[Row],
                  geometry: Geometry) -> int:
    """A FeatureCollection written a feature at a time; each feature's properties are the
    row's columns, its geometry what ``geometry`` makes of the row (None when unplaced)."""
    names = [c.name for c in columns]
    out.write(b'{"type":"FeatureCollection","features":[')
    count = 0
    for row in rows:
        feature = {"type": "Feature", "geometry": geometry(row),
                   "properties": {n: _json_value(v) for n, v in zip(names, row, strict=True)}}
        out.write((b"," if count else b"") + orjson.dumps(feature))
        count += 1
    out.write(b"]}")
    return count


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):  # Excel has no time zones: UTC, said in the header
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, str):  # control characters are not allowed in the XML of a sheet
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def write_xlsx(out: IO[bytes], columns: Sequence[Column], rows: Iterable[Row], *,
               title: str) -> int:
    """One worksheet: the header row, the HXL hashtag row, the rows (openpyxl's write-only
    mode, which keeps no row in memory once written)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title)
    sheet.append([c.name for c in columns])
    sheet.append([c.tag for c in columns])
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in row])
        count += 1
    book.save(out)
    return count


def point(lat_index: int, lon_index: int) -> Geometry:
    """A geometry maker: the row's point, or None when it has no coordinates."""

    def make(row: Row) -> dict[str, Any] | None:
        lat, lon = row[lat_index], row[lon_index]
        if lat is None or lon is None:
            return None
        return {"type": "Point", "coordinates": [lon, lat]}

    return make


def write(fmt: str, out: IO[bytes], columns: Sequence[Column], rows: Iterable[Row], *,
          title: str) -> int:
    """Rows in one of ``FORMATS``; their number. Points come from the columns named lat and
    lon."""
    if fmt == "csv":
        return write_csv(out, columns, rows)
    if fmt == "xlsx":
        return write_xlsx(out, columns, rows, title=title)
    if fmt == "geojson":
        names = [c.name for c in columns]
        return write_geojson(out, columns, rows, point(names.index("lat"), names.index("lon")))
    raise RuleViolation(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
