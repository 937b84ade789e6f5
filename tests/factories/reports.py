"""Situation reports: months of imported battles to report on."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from factories.incidents import event
from liptako.audit.service import Actor
from liptako.auth.models import User
from liptako.obligations.recording import record_batch
from liptako.reports.models import ReportSubscription
from liptako.reports.sitrep import Reader

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def reader(user: User) -> Reader:
    return Reader.of(user)


def seed_months(session: Session, before: int, after: int, year: int = 2019,
                month: int = 7) -> None:
    """``before`` battles spread over the month before ``month`` and ``after`` over it, going
    round Mali, Burkina Faso and Niger, with fatalities i % 11 (the factory's)."""
    first = dt.date(year, month, 1)
    days = [first - dt.timedelta(days=1 + k % 28) for k in range(before)]
    days += [first + dt.timedelta(days=k % 28) for k in range(after)]
    records = [event(3 * k, occurred_on=day, source_id=f"SR{k:05d}")
               for k, day in enumerate(days)]
    record_batch(session, records, actor=Actor(None, "seed", None), now=NOW, pact_ids=())
    session.flush()


def report_list(session: Session, state: str, built_for: User, *,
                recipients: str = "ops@aes.example", language: str = "fr",
                last_week: dt.date | None = None) -> ReportSubscription:
    """An active mailing list of the weekly report."""
    sub = ReportSubscription(state=state, recipients=recipients, language=language,
                             built_for=built_for.id, account=built_for, active=True,
                             created_at=NOW, last_week=last_week)
    session.add(sub)
    session.flush()
    return sub


# for the authorisation matrix: an account of each administrator's state to build lists with
BUILT_FOR = {"admin": "sec", "ner_admin": "ner_analyst", "mli_admin": "awa_mli_analyst",
             "bfa_admin": "bfa_analyst"}


def seed_report_lists(session: Session, cast: dict[str, User]) -> dict[str, int]:
    """For the authorisation matrix: two Niger lists built for Niger's analyst (one for the
    API, one for the page)."""
    return {name: report_list(session, "NER", cast["ner_analyst"]).id
            for name in ("ner", "page_ner")}
