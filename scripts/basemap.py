"""Copy the Natural Earth basemap into the package, keeping only what the maps draw.

Usage: python scripts/basemap.py ../shared/data/basemap

Reads the four GeoJSON layers of the shared basemap (see its README) and writes them to
src/liptako/core/data/basemap/ with the same features and the same coordinates, each
feature reduced to the properties the maps use, one feature per line. Prints each file's
size and SHA-256, for the README next to them.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "liptako" / "core" / "data" / "basemap"
KEEP = {
    "countries": ("name", "adm0_a3", "focus"),
    "lakes": ("name",),
    "rivers": ("name", "scalerank"),
    "places": ("name", "featurecla", "pop_max", "adm0_a3"),
}


def reduce_layer(source: Path, keep: tuple[str, ...]) -> bytes:
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    lines = [json.dumps({"type": "Feature",
                         "properties": {k: f["properties"][k] for k in keep
                                        if k in f["properties"]},
                         "geometry": f["geometry"]}, ensure_ascii=False, separators=(",", ":"))
             for f in features]
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
            ).encode()


def main(folder: str) -> int:
    source = Path(folder)
    if not (source / "README.md").is_file():
        print(f"expected the shared basemap folder (with README.md), got {source}")
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, keep in KEEP.items():
        blob = reduce_layer(source / f"{name}.geojson", keep)
        (OUT / f"{name}.geojson").write_bytes(blob)
        total += len(blob)
        print(f"{name}.geojson {len(blob)} bytes {hashlib.sha256(blob).hexdigest()}")
    print(f"{len(KEEP)} layers, {total} bytes, written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/basemap"))
