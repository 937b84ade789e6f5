"""kill -9 of ``liptako ingest acled`` half-way through the shipped ACLED sample (its first
600 rows, in batches of 10).

The importer's contract (cli/ingest.py, obligations/recording.record_batch): each batch of
``--batch-size`` rows is one transaction holding its incidents, their actors, their
determinations and the batch's ``incident.import`` audit entry; rows are matched to what is
stored by their id at the source. So a killed import leaves whole committed batches and
nothing of the batch it was in, and running it again inserts only the rest: no duplicates.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import os
import signal
import subprocess
import time
from importlib.resources import files
from pathlib import Path

from sqlalchemy import create_engine, text

from helpers.served import LIPTAKO, assert_audit_verifies, command, half_written, rows, scalar

BATCH = 10  # small batches: many commits, so that the kill lands among them
SAMPLE_ROWS = 600  # the sample's first rows: enough batches to be killed among, quick
IMPORT_ENTRIES = "SELECT count(*) FROM audit_entry WHERE action = 'incident.import'"


def _sample(tmp_path: Path) -> Path:
    source = files("liptako.ingest").joinpath("data", "acled_sample_2018_2019.csv.gz")
    path = tmp_path / "acled.csv"
    with gzip.open(io.BytesIO(source.read_bytes()), "rt", encoding="utf-8", newline="") as src, \
            path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for row in itertools.islice(csv.reader(src), SAMPLE_ROWS + 1):  # and its header
            writer.writerow(row)
    return path


def _ingest(url: str, sample: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LIPTAKO_DATABASE_URL": url}
    with log.open("w") as out:
        return subprocess.Popen([*LIPTAKO, "ingest", "acled", str(sample), "--batch-size",
                                 str(BATCH)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _kill_after_batches(url: str, proc: subprocess.Popen[bytes], batches: int) -> None:
    # a plain engine: the app's own begins SQLite transactions IMMEDIATE (taking the write
    # lock), and a reader that queues for it behind the import's batches sees none of them
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            deadline = time.monotonic() + 60
            while conn.execute(text(IMPORT_ENTRIES)).scalar_one() < batches:
                conn.rollback()  # the next look sees what was committed since
                assert proc.poll() is None, "the import ended before it could be killed"
                assert time.monotonic() < deadline, f"{batches} batches not in within 60 s"
                time.sleep(0.01)
    finally:
        engine.dispose()
    os.killpg(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL


def test_a_killed_import_keeps_whole_batches_and_completes_when_run_again(
    fresh_database_url: str, tmp_path: Path
) -> None:
    url = fresh_database_url
    sample = _sample(tmp_path)
    _kill_after_batches(url, _ingest(url, sample, tmp_path / "first.log"), batches=3)

    stored = scalar(url, "SELECT count(*) FROM incident")
    entries = [row[0] for row in rows(url, "SELECT detail FROM audit_entry "
                                      "WHERE action = 'incident.import' ORDER BY seq")]
    # (a JSON column read with plain SQL: text on SQLite, parsed on PostgreSQL)
    inserted = [(e if isinstance(e, dict) else json.loads(e))["inserted"] for e in entries]
    assert inserted == [BATCH] * len(inserted)  # whole batches, each with its entry
    assert stored == BATCH * len(inserted) < SAMPLE_ROWS
    assert half_written(url) == []

    again = command(url, "ingest", "acled", str(sample), "--batch-size", str(BATCH))
    assert again.exit_code == 0, again.output
    assert (f"read {SAMPLE_ROWS}, inserted {SAMPLE_ROWS - stored}, updated 0, unchanged "
            f"{stored}") in again.output
    assert scalar(url, "SELECT count(*) FROM incident") == SAMPLE_ROWS
    assert scalar(url, "SELECT count(DISTINCT source_id) FROM incident "
                  "WHERE source = 'acled'") == SAMPLE_ROWS
    assert half_written(url) == []
    assert_audit_verifies(url)
