"""Fill a catalogue from a {English: translation} dict file; reports what is still missing."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(po_path: str, table_path: str, name: str) -> int:
    table = runpy.run_path(table_path)[name]
    path = Path(po_path)
    with path.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if message.id in table:
            message.string = table[message.id]
        elif not message.string:
            missing.append(message.id)
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, no_location=True)
    for text in missing:
        print(f"untranslated: {text}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
