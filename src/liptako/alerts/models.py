"""Alert rules, the alerts they raise, each CAP message sent about an alert, the states'
acknowledgements, and the states' subscriptions (where alerts are delivered)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liptako.core.db import Base
from liptako.incidents.models import Incident

alert_incident = Table(
    "alert_incident", Base.metadata,
    Column("alert_id", ForeignKey("alert.id", ondelete="CASCADE"), primary_key=True),
    Column("incident_id", ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class AlertRule(Base):
    """A condition the secretariat watches for; see :mod:`liptako.alerts.rules` for kinds."""

    __tablename__ = "alert_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    # the kind's parameters: threshold, days, area (an admin-1 code or None for each unit),
    # articles, pact_id
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    severity: Mapped[str] = mapped_column(String(12))
    urgency: Mapped[str] = mapped_column(String(12))
    certainty: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class Alert(Base):
    """One situation a rule found: raised once, updated while it grows, ended when it lapses."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("alert_rule.id"), index=True)
    # the rule's situation while the alert is current (one current alert per situation);
    # None once it has ended
    situation: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="current")
    # one admin-1 unit (threshold and charter rules), or the units of a cluster (the centre
    # first; area_code is then None)
    area_code: Mapped[str | None] = mapped_column(String(32))
    units: Mapped[list[str] | None] = mapped_column(JSON)
    area_name: Mapped[str] = mapped_column(String(200))
    iso3: Mapped[str | None] = mapped_column(String(3))
    events: Mapped[int] = mapped_column(default=0)
    fatalities: Mapped[int] = mapped_column(default=0)
    # what the kind found beyond the counts (a cluster's run, period, relative risk, p-value)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    severity: Mapped[str] = mapped_column(String(12))
    urgency: Mapped[str] = mapped_column(String(12))
    certainty: Mapped[str] = mapped_column(String(12))
    # the strictest marking of its incidents and the states (and SEC) that may see them all
    tlp: Mapped[str] = mapped_column(String(12))
    audience: Mapped[str] = mapped_column(String(64), default="")
    raised_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]

    rule: Mapped[AlertRule] = relationship()
    incidents: Mapped[list[Incident]] = relationship(secondary=alert_incident,
                                                     order_by="Incident.id")
    messages: Mapped[list[AlertMessage]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", order_by="AlertMessage.seq")
    acknowledgements: Mapped[list[Acknowledgement]] = relationship(
        cascade="all, delete-orphan", order_by="Acknowledgement.state")


class AlertMessage(Base):
    """One CAP 1.2 message about an alert (Alert, then Updates), kept as it was sent."""

    __tablename__ = "alert_message"
    __table_args__ = (UniqueConstraint("alert_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"))
    seq: Mapped[int]
    identifier: Mapped[str] = mapped_column(String(120), unique=True)
    sender: Mapped[str] = mapped_column(String(200))
    msg_type: Mapped[str] = mapped_column(String(8))
    sent_at: Mapped[dt.datetime]
    cap_xml: Mapped[str] = mapped_column(Text)

    alert: Mapped[Alert] = relationship(back_populates="messages")


class Acknowledgement(Base):
    """A member state's acknowledgement of an alert, by one of its liaison officers or
    analysts, as of one of the alert's messages."""

    __tablename__ = "alert_acknowledgement"
    __table_args__ = (UniqueConstraint("alert_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(3))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    username: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int]
    note: Mapped[str | None] = mapped_column(String(500))
    acknowledged_at: Mapped[dt.datetime]


class Subscription(Base):
    """Where a state (or the secretariat) receives the alerts it may see."""

    __tablename__ = "alert_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(3), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    # a webhook's URL, or e-mail addresses separated by commas
    target: Mapped[str] = mapped_column(String(1000))
    # the webhook's shared secret (HMAC key), shown once when made
    secret: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime]
    disabled_at: Mapped[dt.datetime | None]
