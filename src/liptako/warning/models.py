"""Stored hotspot scans (each run with what it was asked, and the clusters it found) and
stored forecasts (each run and its values per unit and month ahead)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liptako.core.db import Base


class StoredRun:
    """What every stored run of the analytics has: when, by whom, and its marking (``tlp``,
    ``originator``, ``audience``, as on an incident), which says who may see it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ran_at: Mapped[dt.datetime] = mapped_column(index=True)
    ran_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ran_by_name: Mapped[str] = mapped_column(String(64))
    tlp: Mapped[str] = mapped_column(String(12))
    originator: Mapped[str] = mapped_column(String(8))
    audience: Mapped[str] = mapped_column(String(64), default="")


class ScanRun(StoredRun, Base):
    """One run of `liptako warning scan`: its parameters, who ran it, its marking and the
    emerging hot spot category of every unit.

    The marking (``tlp``, ``originator``, ``audience``, as on an incident) says who may see
    the run; the events it counted are exactly those every such reader may see (see
    :mod:`liptako.warning.service`).
    """

    __tablename__ = "scan_run"

    # what was scanned: the study period (first and last day), its periods, the areas and
    # the kinds of event
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    time_unit: Mapped[str] = mapped_column(String(8))
    periods: Mapped[int]
    area_level: Mapped[str] = mapped_column(String(8))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    # how: the scan's windows and Monte Carlo replications, Gi*'s permutations (0: p-values
    # from the normal distribution), the seed of both
    replications: Mapped[int]
    gi_permutations: Mapped[int]
    seed: Mapped[int]
    max_share: Mapped[float] = mapped_column(Float)
    max_radius_km: Mapped[float | None] = mapped_column(Float)
    max_duration: Mapped[int]
    # what it counted and skipped (events on no admin unit), and how long it took
    events: Mapped[int]
    skipped: Mapped[int]
    seconds: Mapped[float] = mapped_column(Float)
    # unit code -> emerging hot spot category ("no pattern", "new hot spot", ...)
    categories: Mapped[dict[str, Any]] = mapped_column(JSON)

    clusters: Mapped[list[ScanCluster]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="ScanCluster.rank")


class ScanCluster(Base):
    """One cluster of a run, the most likely first (``rank`` 1): its units, its period and how
    unusual it is."""

    __tablename__ = "scan_cluster"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scan_run.id", ondelete="CASCADE"),
                                        index=True)
    rank: Mapped[int]
    # the units' codes, the centre first, then outwards
    units: Mapped[list[str]] = mapped_column(JSON)
    radius_km: Mapped[float] = mapped_column(Float)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    observed: Mapped[int]
    expected: Mapped[float] = mapped_column(Float)
    # the rate inside over the rate outside; None when every event is inside (infinite)
    relative_risk: Mapped[float | None] = mapped_column(Float)
    llr: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)

    run: Mapped[ScanRun] = relationship(back_populates="clusters")


class ForecastRun(StoredRun, Base):
    """One run of `liptako forecast run`: standing at the month of the newest counted event,
    the learned model's forecasts of the months after it, with how they were made.

    Marked as a scan is (:mod:`liptako.warning.rules`): by default made for every user from
    the events every user may see."""

    __tablename__ = "forecast_run"

    # the month the forecasts stand at (its first day: that of the newest counted event) and
    # the first month of the data learnt from
    origin: Mapped[dt.date] = mapped_column(Date)
    data_from: Mapped[dt.date] = mapped_column(Date)
    months: Mapped[int]
    area_level: Mapped[str] = mapped_column(String(8))
    target: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(40))
    samples: Mapped[int]
    seed: Mapped[int]
    threshold: Mapped[int]
    events: Mapped[int]
    seconds: Mapped[float] = mapped_column(Float)

    values: Mapped[list[ForecastValue]] = relationship(
        back_populates="run", cascade="all, delete-orphan",
        order_by="(ForecastValue.unit, ForecastValue.ahead)")


class ForecastValue(Base):
    """One unit's forecast for one month ahead: the expected count, the median and the 80 %
    interval of the draws, and the probability of at least the run's threshold."""

    __tablename__ = "forecast_value"
    __table_args__ = (UniqueConstraint("run_id", "unit", "ahead"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("forecast_run.id", ondelete="CASCADE"),
                                        index=True)
    unit: Mapped[str] = mapped_column(String(32))
    ahead: Mapped[int]
    month: Mapped[dt.date] = mapped_column(Date)
    expected: Mapped[float] = mapped_column(Float)
    median: Mapped[float] = mapped_column(Float)
    low: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)
    p_exceed: Mapped[float] = mapped_column(Float)

    run: Mapped[ForecastRun] = relationship(back_populates="values")
