"""Draw the favicon's ICO from its SVG, for the clients that ask for /favicon.ico only.

Usage: python scripts/favicon.py   (needs the test extras' Playwright and /usr/bin/chromium)

Renders src/liptako/web/static/app/favicon.svg in Chromium at 16, 32 and 48 pixels, with a
transparent background, and writes favicon.ico beside it: an ICO directory of those three
PNG images (the PNG form of ICO entries every current browser and Windows read).
"""

from __future__ import annotations

import base64
import os
import struct
from pathlib import Path

from playwright.sync_api import sync_playwright

APP = Path(__file__).resolve().parents[1] / "src" / "liptako" / "web" / "static" / "app"
SIZES = (16, 32, 48)
CHROMIUM = os.environ.get("LIPTAKO_TEST_CHROMIUM", "/usr/bin/chromium")


def render(svg: bytes, sizes: tuple[int, ...]) -> list[bytes]:
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        images = []
        for size in sizes:
            page.set_viewport_size({"width": size, "height": size})
            page.set_content(f'<body style="margin:0"><img src="{source}" width="{size}" '
                             f'height="{size}"></body>')
            page.wait_for_function("document.images[0].complete")
            images.append(page.screenshot(omit_background=True))
        browser.close()
    return images


def ico(images: list[bytes], sizes: tuple[int, ...]) -> bytes:
    """An ICO file of PNG images: the directory (6 bytes, then 16 per image), then the PNGs."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, png in zip(sizes, images, strict=True):
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png),
                               offset)
        offset += len(png)
    return header + entries + b"".join(images)


def main() -> int:
    images = render((APP / "favicon.svg").read_bytes(), SIZES)
    target = APP / "favicon.ico"
    target.write_bytes(ico(images, SIZES))
    print(f"{target.relative_to(APP.parents[4])}: {target.stat().st_size} bytes, "
          f"{', '.join(f'{s}x{s}' for s in SIZES)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
