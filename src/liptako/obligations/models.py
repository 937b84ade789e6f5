"""Stored determinations, the human classification decisions, duty records, compliance cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from liptako.core.db import Base


class StoredDetermination(Base):
    """The latest evaluation of one incident under one pact."""

    __tablename__ = "determination"
    __table_args__ = (UniqueConstraint("incident_id", "pact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"))
    pact_id: Mapped[str] = mapped_column(String(32))
    pact_version: Mapped[str] = mapped_column(String(32))
    policy_digest: Mapped[str] = mapped_column(String(64))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    facts_digest: Mapped[str] = mapped_column(String(64))
    in_force: Mapped[bool]
    territory: Mapped[str | None] = mapped_column(String(3))
    in_common_space: Mapped[bool | None]
    provisions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    engaged: Mapped[str] = mapped_column(String(64), default="", index=True)
    undetermined: Mapped[str] = mapped_column(String(64), default="")
    evaluated_at: Mapped[dt.datetime]


class ClassificationDecision(Base):
    """A person's recorded answer to an interpretive question about one incident."""

    __tablename__ = "classification_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"),
                                             index=True)
    question: Mapped[str] = mapped_column(String(64))
    value: Mapped[bool]
    decided_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_by_state: Mapped[str] = mapped_column(String(3))
    decided_at: Mapped[dt.datetime]
    evidence: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text)
    # "in_force" counts in evaluations; "pending" waits for the secretariat's second person
    # (it would change who owes a duty to another state); "rejected" never counted
    status: Mapped[str] = mapped_column(String(16), default="in_force", server_default="in_force")
    # the duties confirming it opens and lapses, as they stood when it was recorded
    duty_change: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # when it took effect (its order among the decisions that count); None until then
    effective_at: Mapped[dt.datetime | None]
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[dt.datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)


class Duty(Base):
    """What one party owes to a beneficiary under an engaged article, until discharged."""

    __tablename__ = "duty"
    __table_args__ = (UniqueConstraint("incident_id", "pact_id", "article", "owed_by"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"),
                                             index=True)
    pact_id: Mapped[str] = mapped_column(String(32))
    article: Mapped[str] = mapped_column(String(8))
    owed_by: Mapped[str] = mapped_column(String(3), index=True)
    beneficiary: Mapped[str] = mapped_column(String(3), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]
    note: Mapped[str | None] = mapped_column(String(300))


class ComplianceCase(Base):
    """An Art. 8 matter against a party: seen only by the secretariat and the parties concerned."""

    __tablename__ = "compliance_case"
    __table_args__ = (UniqueConstraint("incident_id", "pact_id", "article"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"),
                                             index=True)
    pact_id: Mapped[str] = mapped_column(String(32))
    article: Mapped[str] = mapped_column(String(8))
    respondent: Mapped[str] = mapped_column(String(3))
    beneficiary: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]
