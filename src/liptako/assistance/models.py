"""Mutual assistance: requests, their line items, pledges, declines, votes, decisions,
reminders and the request's timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liptako.core.db import Base
from liptako.incidents.models import Incident
from liptako.obligations.models import Duty

request_incident = Table(
    "assistance_request_incident", Base.metadata,
    Column("request_id", ForeignKey("assistance_request.id", ondelete="CASCADE"),
           primary_key=True),
    Column("incident_id", ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

request_duty = Table(
    "assistance_request_duty", Base.metadata,
    Column("request_id", ForeignKey("assistance_request.id", ondelete="CASCADE"),
           primary_key=True),
    Column("duty_id", ForeignKey("duty.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class AssistanceRequest(Base):
    """A party's request for assistance under an article it invokes, and its workflow state."""

    __tablename__ = "assistance_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the EDXL-RM thread: OriginatingMessageID of every message about this request
    message_id: Mapped[str] = mapped_column(String(120), unique=True)
    source: Mapped[str] = mapped_column(String(16), default="liptako")
    requesting_state: Mapped[str] = mapped_column(String(3), index=True)
    pact_id: Mapped[str] = mapped_column(String(32))
    article: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    situation: Mapped[str] = mapped_column(Text)
    deadline_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(20), index=True)
    convened_at: Mapped[dt.datetime | None]
    convened_by: Mapped[str | None] = mapped_column(String(3))
    vote_deadline_at: Mapped[dt.datetime | None]
    submitted_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    withdraw_reason: Mapped[str | None] = mapped_column(String(500))
    # invokes exercise incidents (and only such): shown as EXERCISE, removed with them
    exercise: Mapped[bool] = mapped_column(default=False, server_default=false())

    tlp: Mapped[str] = mapped_column(String(12), default="AMBER")
    originator: Mapped[str] = mapped_column(String(8))
    audience: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]

    items: Mapped[list[LineItem]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="LineItem.position")
    pledges: Mapped[list[Pledge]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Pledge.id")
    declines: Mapped[list[Decline]] = relationship(
        cascade="all, delete-orphan", order_by="Decline.id")
    votes: Mapped[list[Vote]] = relationship(cascade="all, delete-orphan", order_by="Vote.id")
    decision: Mapped[Decision | None] = relationship(cascade="all, delete-orphan")
    reminders: Mapped[list[Reminder]] = relationship(
        cascade="all, delete-orphan", order_by="Reminder.id")
    incidents: Mapped[list[Incident]] = relationship(
        secondary=request_incident, order_by="Incident.id")
    duties: Mapped[list[Duty]] = relationship(secondary=request_duty, order_by="Duty.id")


class LineItem(Base):
    """One typed need of a request: what, how much, where, when, how urgent."""

    __tablename__ = "assistance_line_item"
    __table_args__ = (
        UniqueConstraint("request_id", "position"),
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("priority BETWEEN 1 AND 3", name="priority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_request.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    place: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime | None]
    priority: Mapped[int]

    request: Mapped[AssistanceRequest] = relationship(back_populates="items")


class Pledge(Base):
    """What one party offers against one line item, and what became of it."""

    __tablename__ = "assistance_pledge"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_request.id", ondelete="CASCADE"), index=True)
    line_item_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_line_item.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(3), index=True)
    quantity: Mapped[float] = mapped_column(Float)
    available_from: Mapped[dt.datetime]
    description: Mapped[str] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(24))
    pledged_at: Mapped[dt.datetime]
    pledged_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    accepted_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]
    delivered_quantity: Mapped[float | None] = mapped_column(Float)
    closed_reason: Mapped[str | None] = mapped_column(String(500))
    message_id: Mapped[str] = mapped_column(String(120), index=True)
    source: Mapped[str] = mapped_column(String(16), default="liptako")

    request: Mapped[AssistanceRequest] = relationship(back_populates="pledges")
    item: Mapped[LineItem] = relationship()


class Decline(Base):
    """A party's answer that it will not pledge, with its reason."""

    __tablename__ = "assistance_decline"
    __table_args__ = (UniqueConstraint("request_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_request.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    declined_at: Mapped[dt.datetime]
    declined_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    message_id: Mapped[str] = mapped_column(String(120))


class Vote(Base):
    """One party's vote on the collective action a request calls for; final once cast."""

    __tablename__ = "assistance_vote"
    __table_args__ = (UniqueConstraint("request_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_request.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(3))
    value: Mapped[str] = mapped_column(String(8))
    cast_at: Mapped[dt.datetime]
    cast_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Decision(Base):
    """The Alliance's decision on a request, under the pact version and policy then in force."""

    __tablename__ = "assistance_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_request.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[str] = mapped_column(String(10))
    rule: Mapped[str] = mapped_column(String(16))
    pact_id: Mapped[str] = mapped_column(String(32))
    pact_version: Mapped[str] = mapped_column(String(32))
    policy: Mapped[dict[str, Any]] = mapped_column(JSON)
    votes: Mapped[dict[str, str]] = mapped_column(JSON)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    decided_at: Mapped[dt.datetime]
    convened_by: Mapped[str] = mapped_column(String(3))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_state: Mapped[str] = mapped_column(String(3))


class Reminder(Base):
    """A deadline that came near or passed: who was reminded, and whether it was escalated."""

    __tablename__ = "assistance_reminder"
    __table_args__ = (UniqueConstraint("request_id", "kind", "state", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_request.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(3))
    subject: Mapped[str] = mapped_column(String(32), default="")
    due_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime]
    escalated_to: Mapped[str | None] = mapped_column(String(3))
    escalated_at: Mapped[dt.datetime | None]


class TimelineEvent(Base):
    """One step on a request's timeline; ``audit_seq`` points at its entry in the audit chain."""

    __tablename__ = "assistance_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_request.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime]
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(64))
    actor_state: Mapped[str | None] = mapped_column(String(3))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    audit_seq: Mapped[int]
