"""The weekly situation report (issue 22, point 4): each active list gets the report of the
last complete Monday-Sunday week once, as one e-mail in the outbox with the PDF attached,
built with its account's view; disabled lists and disabled accounts get nothing, one list's
failure does not stop the others; the worker delivers it to a real SMTP server."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import os
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import pypdf
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.auth import seed_cast
from factories.reports import reader, report_list
from factories.warning import national_report
from helpers.smtp import smtp_server
from liptako.audit.models import AuditEntry
from liptako.cli.worker import run
from liptako.core.clock import utcnow
from liptako.core.config import Settings
from liptako.core.db import make_engine
from liptako.core.outbox import OutboxMessage
from liptako.reports.service import build_sitrep
from liptako.reports.sitrep import SitrepRequest
from liptako.reports.weekly import last_complete_week, send_weekly

SITE = "https://liptako.example"
# a Wednesday: the last complete week is Monday 16 to Sunday 22 November 2026
WEDNESDAY = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 11, 16)
MALI_UNIT = "MLI-2688"
LIPTAKO = str(Path(sys.executable).with_name("liptako"))


def _outbox(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _parts(message: OutboxMessage | bytes) -> tuple[EmailMessage, str, str, bytes]:
    """The e-mail, its text, its attachment's file name and the attachment."""
    raw = message.payload if isinstance(message, OutboxMessage) else message.decode()
    mail = email.message_from_string(raw, policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    body = mail.get_body(("plain",))
    assert body is not None
    (pdf,) = [p for p in mail.iter_attachments() if p.get_content_type() == "application/pdf"]
    return mail, body.get_content(), pdf.get_filename() or "", pdf.get_content()


def _pdf_text(content: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages]


def test_the_last_complete_week_is_monday_to_sunday_before_now() -> None:
    assert last_complete_week(WEDNESDAY) == (MONDAY, dt.date(2026, 11, 22))
    # on Sunday evening the week is not over yet; on Monday at midnight it is
    sunday = dt.datetime(2026, 11, 29, 23, 59, tzinfo=dt.UTC)
    assert last_complete_week(sunday)[0] == MONDAY
    assert last_complete_week(sunday + dt.timedelta(minutes=1))[0] == dt.date(2026, 11, 23)


def test_each_list_gets_each_week_once_with_its_pdf(session: Session) -> None:
    cast = seed_cast(session)
    national_report(session, MALI_UNIT, MONDAY + dt.timedelta(days=1), tlp="AMBER", state="MLI")
    national_report(session, MALI_UNIT, MONDAY - dt.timedelta(days=3), tlp="GREEN", state="MLI")
    sub = report_list(session, "MLI", cast["awa_mli_analyst"], language="en",
                      recipients="cab@mli.example,ops@mli.example")
    done = send_weekly(session, now=WEDNESDAY, site_url=SITE)
    assert (done.monday, done.sent, done.skipped, done.failed) == (MONDAY, [sub.id], [], [])
    (message,) = _outbox(session)
    assert (message.channel, message.destination, message.topic, message.idempotency_key) == (
        "email", "cab@mli.example,ops@mli.example", f"report_subscription:{sub.id}",
        f"liptako-sitrep-{sub.id}-2026-11-16")
    mail, text, filename, pdf = _parts(message)
    assert mail["Subject"].startswith("[TLP:AMBER] Weekly situation report – Mali")
    # one event this week (the AMBER report), one the week before (the GREEN one, a Friday)
    assert "Events: 1 (previous week: 1, 0 %)" in text, text
    assert "TLP:AMBER" in text and "Built for awa_mli_analyst (MLI)" in text
    assert f"{SITE}/reports" in text
    assert filename == "liptako-sitrep-mli-2026-11-16_2026-11-22-en.pdf"
    pages = _pdf_text(pdf)
    assert all("TLP:AMBER" in page for page in pages)
    assert all("awa_mli_analyst" in page for page in pages)
    assert sub.last_week == MONDAY
    sent = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "report_subscription.send")).one()
    assert sent.detail == {"week": "2026-11-16", "tlp": "AMBER", "built_for": "awa_mli_analyst",
                           "message": message.id}
    # the same week again (later that week): nothing more
    again = send_weekly(session, now=WEDNESDAY + dt.timedelta(days=3), site_url=SITE)
    assert again.sent == [] and len(_outbox(session)) == 1
    # a week later: the next week's report
    later = send_weekly(session, now=WEDNESDAY + dt.timedelta(days=7), site_url=SITE)
    assert later.sent == [sub.id] and len(_outbox(session)) == 2
    assert _outbox(session)[1].idempotency_key == f"liptako-sitrep-{sub.id}-2026-11-23"
    assert sub.last_week == dt.date(2026, 11, 23)


def test_disabled_lists_unfit_accounts_and_failures_spare_the_others(session: Session) -> None:
    cast = seed_cast(session)
    off = report_list(session, "MLI", cast["awa_mli_analyst"])
    off.active = False
    gone = report_list(session, "NER", cast["ner_analyst"])
    cast["ner_analyst"].is_active = False
    broken = report_list(session, "BFA", cast["bfa_analyst"])
    broken.language = "de"  # no such report: its build fails
    fine = report_list(session, "SEC", cast["sec"])
    session.flush()
    done = send_weekly(session, now=WEDNESDAY, site_url=SITE)
    assert done.sent == [fine.id]
    assert done.skipped == [(gone.id, "account ner_analyst is disabled")]
    assert [i for i, _ in done.failed] == [broken.id] and "lang: expected" in done.failed[0][1]
    assert [m.topic for m in _outbox(session)] == [f"report_subscription:{fine.id}"]
    # the failed list stays due; the others are marked or left as they were
    assert (off.last_week, gone.last_week, broken.last_week) == (None, None, None)
    summary = done.summary()
    assert summary.startswith("weekly report of 2026-11-16 – 2026-11-22: 1 sent, 1 skipped "
                              "(list ") and "1 failed (list" in summary
    assert fine.country == "all"
    _, text, filename, _ = _parts(_outbox(session)[0])
    assert filename.startswith("liptako-sitrep-all-") and "Établi pour sec (SEC)" in text


def test_a_list_built_for_a_mali_analyst_never_carries_what_only_niger_may_see(
        session: Session) -> None:
    cast = seed_cast(session)
    day = MONDAY + dt.timedelta(days=2)
    national_report(session, MALI_UNIT, day, tlp="GREEN", state="MLI")
    # Niger's RED report of an incident in Mali: in the Mali report's area and week
    national_report(session, MALI_UNIT, day, tlp="RED", state="NER")
    request = SitrepRequest.parse("2026-11-16:2026-11-22", "MLI", "fr")
    niger_view = build_sitrep(session, request, reader=reader(cast["ner_analyst"]),
                              now=WEDNESDAY)
    assert (niger_view.headline[0].now, niger_view.tlp) == (2, "RED")
    sub = report_list(session, "MLI", cast["awa_mli_analyst"])
    assert send_weekly(session, now=WEDNESDAY, site_url=SITE).sent == [sub.id]
    mail, text, _, pdf = _parts(_outbox(session)[0])
    assert mail["Subject"].startswith("[TLP:GREEN] Rapport de situation hebdomadaire – Mali")
    assert "Événements : 1 (semaine précédente : 0, nouveau)" in text, text
    whole = "\n".join(_pdf_text(pdf))
    assert "TLP:GREEN" in whole and "TLP:RED" not in whole


def test_the_worker_delivers_the_weekly_report_by_smtp(fresh_database_url: str) -> None:
    monday, _ = last_complete_week(utcnow())
    engine = make_engine(fresh_database_url)
    with smtp_server() as (box, port):
        with Session(engine) as session:
            cast = seed_cast(session)
            national_report(session, MALI_UNIT, monday, tlp="AMBER", state="MLI")
            report_list(session, "MLI", cast["awa_mli_analyst"], recipients="cab@mli.example")
            session.commit()
        settings = Settings(env="test", database_url=fresh_database_url, smtp_host="127.0.0.1",
                            smtp_port=port, worker_poll_seconds=0.05,
                            public_url=SITE)  # type: ignore[arg-type]
        stop = threading.Event()
        loop = threading.Thread(target=run, args=(settings, stop))
        loop.start()
        try:
            deadline = time.monotonic() + 60
            while not box.messages:
                assert time.monotonic() < deadline, "timed out"
                time.sleep(0.1)
        finally:
            stop.set()
            loop.join(30)
    engine.dispose()
    ((_, to, raw),) = box.messages
    assert to == ["cab@mli.example"]
    mail, text, _, pdf = _parts(raw)
    assert mail["To"] == "cab@mli.example" and "TLP:AMBER" in mail["Subject"]
    assert "Établi pour awa_mli_analyst (MLI)" in text and f"{SITE}/reports" in text
    assert all("TLP:AMBER" in page for page in _pdf_text(pdf))
    # the command (for cron) finds nothing more due this week
    env = {**os.environ, "LIPTAKO_DATABASE_URL": fresh_database_url, "LIPTAKO_ENV": "test"}
    done = subprocess.run([LIPTAKO, "report", "weekly"], env=env, capture_output=True,
                          text=True, check=True)
    assert done.stdout.startswith(f"weekly report of {monday} – "), done.stdout
    assert ": 0 sent, 0 skipped, 0 failed;" in done.stdout
