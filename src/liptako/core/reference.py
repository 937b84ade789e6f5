"""Reference data loaded into the database once: admin units and gazetteer places.

Each dataset is recorded in ``reference_dataset`` with the digest of what was loaded, so a
second ``liptako init`` loads nothing, and a new package version with changed data reloads
only what changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from sqlalchemy import Float, String, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from liptako.core.db import Base
from liptako.core.geo import admin_index, iter_gazetteer


class ReferenceDataset(Base):
    """A dataset shipped with the package and the digest of the version loaded."""

    __tablename__ = "reference_dataset"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int]
    loaded_at: Mapped[dt.datetime]


class AdminUnitRow(Base):
    """An admin unit of the shipped boundaries (Natural Earth admin-1)."""

    __tablename__ = "admin_unit"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    iso3: Mapped[str] = mapped_column(String(3), index=True)
    name: Mapped[str] = mapped_column(String(100))
    name_fr: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[int]


class PlaceRow(Base):
    """A GeoNames place (GeoNames, geonames.org, CC BY 4.0)."""

    __tablename__ = "place"

    geonameid: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200), index=True)
    asciiname: Mapped[str] = mapped_column(String(200))
    iso3: Mapped[str] = mapped_column(String(3), index=True)
    feature_class: Mapped[str] = mapped_column(String(1))
    feature_code: Mapped[str] = mapped_column(String(10))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    population: Mapped[int]


@dataclass(frozen=True)
class LoadResult:
    name: str
    rows: int
    loaded: bool


def _admin_rows() -> Iterator[dict[str, Any]]:
    for unit in admin_index().units:
        yield {"code": unit.code, "iso3": unit.iso3, "name": unit.name, "name_fr": unit.name_fr,
               "region": unit.region, "level": unit.level}


def _place_rows() -> Iterator[dict[str, Any]]:
    seen: set[int] = set()
    for p in iter_gazetteer():
        if p.geonameid in seen:  # the country extracts overlap at their borders
            continue
        seen.add(p.geonameid)
        yield {"geonameid": p.geonameid, "name": p.name[:200], "asciiname": p.asciiname[:200],
               "iso3": p.iso3, "feature_class": p.feature_class, "feature_code": p.feature_code,
               "lat": p.lat, "lon": p.lon, "population": p.population}


DATASETS: dict[str, tuple[type[Base], Callable[[], Iterable[dict[str, Any]]], str]] = {
    "admin_units": (AdminUnitRow, _admin_rows, "adm1_sahel_naturalearth.geojson"),
    "gazetteer": (PlaceRow, _place_rows, "gazetteer_sahel.tsv.gz"),
}


def _file_digest(name: str) -> str:
    blob = files("liptako.core").joinpath("data", name).read_bytes()
    return hashlib.sha256(blob).hexdigest()


def load_reference(session: Session, name: str, *, now: dt.datetime) -> LoadResult:
    """Load one shipped dataset unless the same version is already there; flushes."""
    model, rows_of, source_file = DATASETS[name]
    digest = _file_digest(source_file)
    current = session.get(ReferenceDataset, name)
    if current is not None and current.digest == digest:
        return LoadResult(name, current.rows, loaded=False)
    rows = list(rows_of())
    session.execute(delete(model))
    for start in range(0, len(rows), 5000):
        session.execute(insert(model), rows[start:start + 5000])
    if current is None:
        session.add(ReferenceDataset(name=name, digest=digest, rows=len(rows), loaded_at=now))
    else:
        current.digest, current.rows, current.loaded_at = digest, len(rows), now
    session.flush()
    return LoadResult(name, len(rows), loaded=True)


def is_loaded(session: Session, name: str) -> bool:
    return session.scalar(select(ReferenceDataset.name).where(
        ReferenceDataset.name == name)) is not None


def mark_loaded(session: Session, name: str, *, digest: str, rows: int,
                now: dt.datetime) -> None:
    """Record a dataset loaded by another domain (e.g. the shipped ACLED sample)."""
    session.add(ReferenceDataset(name=name, digest=digest, rows=rows, loaded_at=now))
    session.flush()
