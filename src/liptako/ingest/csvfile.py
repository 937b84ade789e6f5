"""CSV exports read row by row, so that one bad row never costs the rest of the file.

A byte that is not UTF-8, a NUL (PostgreSQL refuses it in text) or a field over the csv
module's size limit spoils only its row: the row becomes a :class:`RowError` naming its line,
field and reason, and the rows after it still load. Bytes are decoded one physical line at a
time with ``surrogateescape``: a bad byte stays where it was, as one lone surrogate, so csv
still sees the quotes around it (a quoted note may span lines) and the error can name the
file line and byte offset of the byte. The csv field size limit is process-wide, so it is
left alone: a field over it is reported, and reading resumes after its record.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

from liptako.ingest.records import HeaderInvalid, RowError

Row = dict[str, str]
# a NUL, or a byte that was not UTF-8 (decoded by surrogateescape as U+DC80..U+DCFF)
_UNSTORABLE = re.compile("[\x00\udc80-\udcff]")
_BEYOND_HEADER = "(beyond the header)"


class _Lines:
    """The physical lines handed to csv, with the current record's lines and where each
    starts in the file (to place a bad byte and to resume after a refused record)."""

    def __init__(self, handle: Iterable[str] | Iterable[bytes]) -> None:
        self._source: Iterator[str | bytes] = iter(handle)
        self.line_num = 0
        self._offset = 0
        self.record: list[tuple[int, int, str]] = []  # line number, byte offset, text
        self.suspect = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = next(self._source)
        text = raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw
        size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "replace"))
        self.line_num += 1
        self.record.append((self.line_num, self._offset, text))
        self._offset += size
        if self.line_num == 1:
            text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark, as utf-8-sig drops
        self.suspect = self.suspect or _UNSTORABLE.search(text) is not None
        return text

    def next_record(self) -> None:
        self.record, self.suspect = [], False

    def skip_rest_of_record(self) -> None:
        """After csv refused a record, read on to the end of a quoted field left open, so
        that the rest of that field is not read as rows of its own."""
        quotes = sum(text.count('"') for _line, _offset, text in self.record)
        while quotes % 2:
            try:
                quotes += next(self).count('"')
            except StopIteration:
                return

    def first_unstorable(self) -> str:
        """Where the record's first NUL or non-UTF-8 byte is, and what it is."""
        for line, offset, text in self.record:
            if found := _UNSTORABLE.search(text):
                at = offset + len(text[:found.start()].encode("utf-8", "replace"))
                char = found.group()
                what = "a NUL" if char == "\x00" else f"byte 0x{ord(char) - 0xDC00:02x}"
                return f"{what} at line {line}, byte offset {at}"
        return "a character it cannot hold"


class CsvRows:
    """The header of a CSV export, then its rows as ``(line, row)`` or a RowError."""

    def __init__(self, handle: Iterable[str] | Iterable[bytes], *, id_column: str) -> None:
        self._lines = _Lines(handle)
        self._reader = csv.DictReader(self._lines)
        self._id_column = id_column
        try:
            self.header: list[str] = list(self._reader.fieldnames or [])
        except csv.Error as exc:
            raise HeaderInvalid(f"expected a CSV header, got {exc}") from None
        if self._lines.suspect:
            raise HeaderInvalid(f"expected UTF-8 column names without NUL, got "
                                f"{self._lines.first_unstorable()}")
        self._lines.next_record()

    def __iter__(self) -> Iterator[tuple[int, Row] | RowError]:
        while True:
            start = self._lines.line_num + 1
            try:
                row = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self._lines.skip_rest_of_record()
                yield self._refused(start, exc)
            else:
                yield self._checked(start, row)
            self._lines.next_record()

    def _checked(self, line: int, row: Row) -> tuple[int, Row] | RowError:
        """The row, or an error naming the first field holding a NUL or a non-UTF-8 byte."""
        if not self._lines.suspect:
            return line, row
        for name, value in row.items():
            values: list[str] = value if isinstance(value, list) else [value or ""]
            if any(_UNSTORABLE.search(v) for v in values):
                what = ("UTF-8 text without NUL" if name is not None else "no field beyond the "
                        "header")
                return RowError(line, _printable_id(row.get(self._id_column)),
                                name or _BEYOND_HEADER,
                                f"expected {what}, got {self._lines.first_unstorable()}")
        return line, row

    def _refused(self, line: int, exc: csv.Error) -> RowError:
        """A record csv could not read: name its longest field when it was over the limit."""
        fields = _split_record("".join(text for _l, _o, text in self._lines.record))
        row_id = None
        if self._id_column in self.header and self.header.index(self._id_column) < len(fields):
            row_id = _printable_id(fields[self.header.index(self._id_column)])
        if "field limit" not in str(exc):
            return RowError(line, row_id, "(row)", f"expected a CSV row, got {exc}")
        longest = max(range(len(fields)), key=lambda i: len(fields[i]))
        name = self.header[longest] if longest < len(self.header) else _BEYOND_HEADER
        return RowError(line, row_id, name, f"expected at most {csv.field_size_limit()} "
                                            f"characters, got {len(fields[longest])}")


def _split_record(text: str) -> list[str]:
    """A record's fields by pairing quotes: only to name a field csv refused."""
    fields: list[str] = []
    for piece in text.rstrip("\r\n").split(","):
        if fields and fields[-1].count('"') % 2:
            fields[-1] += "," + piece
        else:
            fields.append(piece)
    return [f[1:-1].replace('""', '"') if len(f) > 1 and f[0] == f[-1] == '"' else f
            for f in fields]


def _printable_id(value: str | None) -> str | None:
    """A row's id fit for the errors file and the terminal (NULs and bad bytes escaped),
    cut to the width of the id column."""
    text = (value or "").strip()[:64]
    text = _UNSTORABLE.sub(lambda m: f"\\x{ord(m.group()) & 0xFF:02x}", text)
    return text or None
