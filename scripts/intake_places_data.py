"""Build ``src/liptako/intake/data/acled_places.tsv``: the sites ACLED coded events at.

Run from the repository root::

    .venv/bin/python scripts/intake_places_data.py [--csv ../shared/data/acled_sahel.csv]
        [--until 2018-12-31] [--out PATH]

GeoNames lacks many hamlets the notes name ("Gondogourou", "Tcholori") and has several places
for most village names ("Boni", "Bosso", "Tin"). The places ACLED's coders chose for past
events fill both gaps: a second gazetteer, learnt from the training period only (rows dated up
to ``--until``, issue 23's ``TRAINED_UNTIL``; later rows are for evaluation). Each line is a
site (ACLED ``location``, its point, ISO3) with the number of events coded there; no note text
is kept. Sorted, so the same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ACLED = REPO / ".." / "shared" / "data" / "acled_sahel.csv"
OUT = REPO / "src" / "liptako" / "intake" / "data" / "acled_places.tsv"
TRAINED_UNTIL = "2018-12-31"
HEADER = (
    "# Sites of ACLED events (Mali, Burkina Faso, Niger; HDX country files exported 2020-08),"
    " dated up to {until}. ACLED terms of use apply; cite Raleigh et al. (2010), Introducing"
    " ACLED, Journal of Peace Research 47(5). Built by scripts/intake_places_data.py.\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=ACLED)
    parser.add_argument("--until", default=TRAINED_UNTIL)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with args.csv.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["event_date"] <= args.until]
    sites = Counter(
        (
            r["location"].strip(),
            f"{float(r['latitude']):.4f}",
            f"{float(r['longitude']):.4f}",
            r["iso3"],
        )
        for r in rows
        if r["location"].strip()
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER.format(until=args.until))
        f.write("location\tlatitude\tlongitude\tiso3\tevents\n")
        for (name, lat, lon, iso3), n in sorted(sites.items()):
            f.write(f"{name}\t{lat}\t{lon}\t{iso3}\t{n}\n")
    print(f"{len(rows)} events up to {args.until} at {len(sites)} sites -> {args.out}")


if __name__ == "__main__":
    main()
