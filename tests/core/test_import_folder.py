"""The watched folder's rules: a file is taken once it kept its size over two scans, never
a .part or hidden one; its source is told by its header; filed away without overwriting."""

from __future__ import annotations

from pathlib import Path

from liptako.jobs.folder import Sightings, file_away, source_of


def test_a_file_is_ready_once_it_stopped_growing(tmp_path: Path) -> None:
    sightings = Sightings()
    growing = tmp_path / "export.csv"
    growing.write_bytes(b"event_id_cnty,event_date\n")
    (tmp_path / "export2.csv.part").write_bytes(b"x")
    (tmp_path / ".hidden.csv").write_bytes(b"x")
    assert sightings.ready(tmp_path) == []  # first seen
    with growing.open("ab") as handle:
        handle.write(b"MLI1,2019-07-31\n")
    assert sightings.ready(tmp_path) == []  # still growing
    assert sightings.ready(tmp_path) == [growing]  # the same over two scans


def test_the_source_is_told_by_the_header(tmp_path: Path) -> None:
    acled, ucdp, other = tmp_path / "a.csv", tmp_path / "u.csv", tmp_path / "o.csv"
    acled.write_bytes(b"\xef\xbb\xbfevent_id_cnty,event_date\n")  # with a byte order mark
    ucdp.write_bytes(b'"id","relid","type_of_violence"\n')
    other.write_bytes(b"id,name\n")
    assert [source_of(p) for p in (acled, ucdp, other)] == ["acled", "ucdp", None]


def test_filing_away_keeps_an_earlier_file_of_the_same_name(tmp_path: Path) -> None:
    for n in (1, 2):
        (tmp_path / "x.csv").write_text(str(n))
        file_away(tmp_path / "x.csv", "failed", f"error {n}")
    failed = tmp_path / "failed"
    assert (failed / "x.csv").read_text() == "1" and (failed / "x.2.csv").read_text() == "2"
    assert (failed / "x.2.csv.error.txt").read_text() == "error 2\n"
