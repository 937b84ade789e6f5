"""How much of an ACLED file the actor registry understands (``liptako actors coverage``)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from liptako.intel.actors import ActorRegistry
from liptako.intel.normalise import resolve

_MAIN_COLUMNS = ("actor1", "actor2")
_ASSOCIATED_COLUMNS = ("assoc_actor_1", "assoc_actor_2")


@dataclass(frozen=True)
class EventActors:
    """The actor strings of one event: main actors (actor1/actor2) and associated ones."""

    event_id: str
    main: tuple[str, ...]
    associated: tuple[str, ...] = ()
    on: dt.date | None = None


@dataclass(frozen=True)
class Coverage:
    """Events whose every main actor maps to a canonical id, and the strings that do not."""

    events: int
    mapped_events: int
    unmapped: tuple[tuple[str, int], ...]
    associated_strings: int = 0
    associated_unmapped: tuple[tuple[str, int], ...] = ()

    @property
    def share(self) -> float:
        """Mapped events over events; an empty input has nothing unmapped, so 1.0."""
        return self.mapped_events / self.events if self.events else 1.0

    def summary(self) -> str:
        """One line for a terminal."""
        missing = sum(count for _, count in self.associated_unmapped)
        return (
            f"{self.mapped_events:,} of {self.events:,} events map every main actor "
            f"({self.share:.1%}); {len(self.unmapped)} main actor strings unmapped; "
            f"{missing:,} of {self.associated_strings:,} associated actor mentions unmapped"
        )


def coverage(events: Iterable[EventActors], *, registry: ActorRegistry | None = None) -> Coverage:
    """Share of events whose every non-empty main actor maps to at least one canonical id.

    A main actor counts as mapped only if all of it resolves: in "X and/or Y" both sides must.
    Unmapped strings are counted once per event in which they occur.
    """
    registry = registry or ActorRegistry.load()
    total = mapped = associated = 0
    unmapped: Counter[str] = Counter()
    associated_unmapped: Counter[str] = Counter()
    for event in events:
        total += 1
        missing = {raw for raw in _nonempty(event.main) if not _maps(raw, event.on, registry)}
        unmapped.update(missing)
        mapped += not missing
        names = list(_nonempty(event.associated))
        associated += len(names)
        associated_unmapped.update(raw for raw in names if not _maps(raw, event.on, registry))
    return Coverage(
        events=total,
        mapped_events=mapped,
        unmapped=tuple(unmapped.most_common()),
        associated_strings=associated,
        associated_unmapped=tuple(associated_unmapped.most_common()),
    )


def acled_coverage(path: Path, *, registry: ActorRegistry | None = None) -> Coverage:
    """:func:`coverage` of an ACLED CSV export, dyadic or monadic."""
    return coverage(read_acled_events(path), registry=registry)


def read_acled_events(path: Path) -> Iterator[EventActors]:
    """Events of an ACLED CSV, read as a stream.

    Dyadic files (``actor2`` column) give one event per row. Monadic files repeat the event
    once per actor, so rows are gathered by ``event_id_cnty`` first.
    """
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        missing = {"event_id_cnty", "actor1"} - set(fields)
        if missing:
            raise ValueError(
                f"{path.name}: expected ACLED columns event_id_cnty and actor1; "
                f"missing {', '.join(sorted(missing))}"
            )
        if "actor2" in fields:
            yield from (_dyadic_event(row) for row in reader)
        else:
            yield from _monadic_events(reader)


def _dyadic_event(row: Mapping[str, str]) -> EventActors:
    return EventActors(
        event_id=row["event_id_cnty"],
        main=tuple(row.get(column) or "" for column in _MAIN_COLUMNS),
        associated=tuple(_split_associated(row, _ASSOCIATED_COLUMNS)),
        on=parse_acled_date(row.get("event_date") or ""),
    )


def _monadic_events(rows: Iterable[Mapping[str, str]]) -> Iterator[EventActors]:
    gathered: dict[str, tuple[list[str], list[str], dt.date | None]] = {}
    for row in rows:
        main, associated, _ = gathered.setdefault(
            row["event_id_cnty"], ([], [], parse_acled_date(row.get("event_date") or ""))
        )
        main.append(row.get("actor1") or "")
        associated += _split_associated(row, ("assoc_actor_1",))
    for event_id, (main, associated, on) in gathered.items():
        yield EventActors(event_id, tuple(main), tuple(associated), on)


def _split_associated(row: Mapping[str, str], columns: Iterable[str]) -> list[str]:
    # ACLED lists several associated actors in one cell, separated by semicolons.
    return [name.strip() for column in columns for name in (row.get(column) or "").split(";")]


def parse_acled_date(text: str) -> dt.date | None:
    """ACLED writes ``2019-07-31`` in HDX exports and ``31 July 2019`` in the export tool."""
    for pattern in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _nonempty(names: Iterable[str]) -> Iterator[str]:
    return (name for name in names if name.strip())


def _maps(raw: str, on: dt.date | None, registry: ActorRegistry) -> bool:
    result = resolve(raw, on=on, source="acled", registry=registry)
    return result.complete and bool(result.matches)
