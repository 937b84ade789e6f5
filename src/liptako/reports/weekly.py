"""The weekly situation report: mailing lists per state, and each week's report e-mailed
through the outbox.

A state's administrators manage their state's lists (the secretariat's, any list); each list
names the account whose view its report is built with, so that a list never receives more
than that account may read. :func:`send_weekly` runs in the worker every
``LIPTAKO_REPORT_CHECK_SECONDS`` and in ``liptako report weekly`` (for cron): it sends each
active list the report of the last complete Monday-Sunday week it has not had yet, one
e-mail per list and week (the idempotency key says which), in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from liptako.assistance.service import Caller
from liptako.audit import service as audit
from liptako.auth.models import User
from liptako.auth.rules import SECRETARIAT, state_admin_refusal
from liptako.core import outbox
from liptako.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from liptako.reports import words
from liptako.reports.models import ReportSubscription
from liptako.reports.schemas import ReportSubscriptionIn
from liptako.reports.service import Built, make_sitrep
from liptako.reports.sitrep import Reader, SitrepRequest

TARGET = "report_subscription"


def last_complete_week(now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The Monday and Sunday of the last whole week (UTC) before ``now``.

    >>> last_complete_week(dt.datetime(2026, 12, 9, 10, tzinfo=dt.UTC))  # a Wednesday
    (datetime.date(2026, 11, 30), datetime.date(2026, 12, 6))
    >>> last_complete_week(dt.datetime(2026, 12, 7, 0, 1, tzinfo=dt.UTC))[0]  # a Monday
    datetime.date(2026, 11, 30)
    """
    today = now.astimezone(dt.UTC).date()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return monday, monday + dt.timedelta(days=6)


def _admin_for(caller: Caller, state: str) -> None:
    problem = state_admin_refusal(caller.roles, caller.state, state)
    if problem:
        raise PermissionDenied(f"report subscription: {problem}")


def unfit(account: User, state: str) -> str | None:
    """Why a list of ``state`` may not be built with ``account`` (None when it may)."""
    if account.state != state:
        return f"account {account.username} is not of {state} (it is of {account.state})"
    if not account.is_active:
        return f"account {account.username} is disabled"
    return None


def list_subscriptions(session: Session, caller: Caller) -> list[ReportSubscription]:
    """The lists an administrator manages: its state's (every one for the secretariat's)."""
    _admin_for(caller, caller.state)
    stmt = (select(ReportSubscription).options(selectinload(ReportSubscription.account))
            .order_by(ReportSubscription.state, ReportSubscription.id))
    if caller.state != SECRETARIAT:
        stmt = stmt.where(ReportSubscription.state == caller.state)
    return list(session.scalars(stmt))


def create_subscription(session: Session, payload: ReportSubscriptionIn, *, caller: Caller,
                        now: dt.datetime) -> ReportSubscription:
    """An administrator adds a list for its state (the secretariat's: any), built with an
    active account of that state."""
    state = payload.state or caller.state
    _admin_for(caller, state)
    account = session.scalar(select(User).where(User.username == payload.built_for))
    expected = f"built_for: expected an active account of {state}, got {payload.built_for!r}"
    # another state's account is answered as a missing one: names are not for probing
    if account is None or account.state != state:
        raise RuleViolation(f"{expected} (no account {payload.built_for!r})")
    problem = unfit(account, state)
    if problem:
        raise RuleViolation(f"{expected} ({problem})")
    sub = ReportSubscription(state=state, recipients=payload.recipients,
                             language=payload.language, built_for=account.id, account=account,
                             active=True, created_by=caller.actor.id, created_at=now)
    session.add(sub)
    session.flush()
    audit.record(session, actor=caller.actor, action="report_subscription.create",
                 target_type=TARGET, target_id=sub.id, now=now,
                 detail={"state": state, "recipients": sub.recipients,
                         "language": sub.language, "built_for": account.username})
    return sub


def disable_subscription(session: Session, subscription_id: int, *, caller: Caller,
                         now: dt.datetime) -> ReportSubscription:
    """Stop sending to a list (a report already in the outbox still goes)."""
    sub = session.get(ReportSubscription, subscription_id)
    if sub is None or (caller.state != SECRETARIAT and sub.state != caller.state):
        raise NotFound(f"report subscription {subscription_id}: not found")
    _admin_for(caller, sub.state)
    if not sub.active:
        raise Conflict(f"report subscription {sub.id}: already disabled")
    sub.active, sub.disabled_at = False, now
    session.flush()
    audit.record(session, actor=caller.actor, action="report_subscription.disable",
                 target_type=TARGET, target_id=sub.id, now=now)
    return sub


@dataclass
class WeeklyResult:
    """What one round of sending did, for the week starting ``monday``."""

    monday: dt.date
    sent: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (list, why)
    failed: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One line: the week, what was sent, skipped and failed, and why."""
        parts = [f"{len(self.sent)} sent"]
        for name, lists in (("skipped", self.skipped), ("failed", self.failed)):
            why = "; ".join(f"list {i}: {w}" for i, w in lists)
            parts.append(f"{len(lists)} {name}" + (f" ({why})" if why else ""))
        return (f"weekly report of {self.monday} – {self.monday + dt.timedelta(days=6)}: "
                f"{', '.join(parts)}")


def send_weekly(session: Session, *, now: dt.datetime, site_url: str) -> WeeklyResult:
    """Send every active list the report of the last complete week, when it has not had it.

    The lists are read locked (FOR UPDATE on PostgreSQL; SQLite's transaction holds the
    only write lock) so that the worker and the command take turns rather than send a week
    twice. A list whose account cannot be used is skipped and reported; a list whose report
    fails is rolled back to its savepoint and reported, and the others still go."""
    monday, sunday = last_complete_week(now)
    result = WeeklyResult(monday)
    due = list(session.scalars(
        select(ReportSubscription)
        .where(ReportSubscription.active.is_(True),
               or_(ReportSubscription.last_week.is_(None),
                   ReportSubscription.last_week < monday))
        .order_by(ReportSubscription.id).with_for_update()))
    for sub in due:
        problem = unfit(sub.account, sub.state)
        if problem:
            result.skipped.append((sub.id, problem))
            continue
        try:
            with session.begin_nested():
                _send(session, sub, monday, sunday, now=now, site_url=site_url)
        except Exception as exc:  # whatever went wrong, one list must not stop the others
            result.failed.append((sub.id, f"{type(exc).__name__}: {exc}"))
            continue
        result.sent.append(sub.id)
    return result


def _send(session: Session, sub: ReportSubscription, monday: dt.date, sunday: dt.date, *,
          now: dt.datetime, site_url: str) -> None:
    """Build one list's report for the week, put its e-mail in the outbox, mark the week."""
    account = sub.account
    reader = Reader.of(account)
    request = SitrepRequest.parse(f"{monday}:{sunday}", sub.country, sub.language)
    built = make_sitrep(session, request, "pdf", reader=reader, actor=audit.SYSTEM, now=now)
    message = outbox.enqueue(session, channel="email", destination=sub.recipients,
                             payload=mail(built, site_url).as_string(),
                             idempotency_key=f"liptako-sitrep-{sub.id}-{monday}",
                             topic=f"{TARGET}:{sub.id}", now=now)
    sub.last_week = monday
    session.flush()
    audit.record(session, actor=audit.SYSTEM, action="report_subscription.send",
                 target_type=TARGET, target_id=sub.id, now=now,
                 detail={"week": monday.isoformat(), "tlp": built.report.tlp,
                         "built_for": account.username, "message": message.id})


def mail(built: Built, site_url: str) -> EmailMessage:
    """The e-mail of a weekly report: the headline figures with their change, the marking,
    whom it was built for and a link, in the report's language; the PDF attached."""
    report, lang = built.report, built.report.request.lang
    period = report.request.period
    place = words.COUNTRIES[lang][report.request.country]
    when = words.span(period.start, period.end, lang)
    colon = words.label("colon", lang)
    figures = [f"{words.label(h.measure, lang)}{colon} {h.now} "
               f"({words.MAIL['previous_week'][lang]}{colon} {h.before}, "
               f"{words.change(h.before, h.now, lang)})" for h in report.headline]
    reader = report.reader
    body = "\n".join([
        f"{words.MAIL['weekly'][lang]}{colon} {place}, {when}.", "", *figures, "",
        words.MAIL["marking"][lang].format(tlp=report.tlp),
        f"{words.label('built_for', lang)} {reader.username} ({reader.state}). "
        f"{words.label('holds', lang)}", "",
        words.MAIL["attached"][lang].format(url=f"{site_url.rstrip('/')}/reports"), ""])
    message = EmailMessage()
    message["Subject"] = f"[TLP:{report.tlp}] {words.MAIL['weekly'][lang]} – {place} – {when}"
    message.set_content(body)
    message.add_attachment(built.content, maintype="application", subtype="pdf",
                           filename=built.filename)
    return message
