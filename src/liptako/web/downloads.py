"""File downloads built inside the request's transaction and streamed from a spooled file.

The request's session commits before the response is sent (``deps.SessionDep``), so an
export cannot read the database while it streams: it is written within the transaction (its
audit entry, which counts the rows, commits with it) to a temporary file that stays in
memory up to ``SPOOL`` bytes and moves to disk beyond, then streamed from there. Memory
stays bounded whatever the number of rows, and an error is an error response, never a
truncated file sent as a success.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import StreamingResponse

from liptako.reports.writers import MEDIA_TYPES

SPOOL = 1 << 20
BLOCK = 64 << 10

FormatQuery = Annotated[Literal["csv", "geojson", "xlsx"], Query(
    alias="format", description="csv (with an HXL hashtag row), geojson or xlsx")]
# the OpenAPI description of a download route's answer
RESPONSES: dict[int | str, dict[str, Any]] = {200: {
    "content": {media.split(";")[0]: {} for media in MEDIA_TYPES.values()},
    "description": "An attachment: the export in the format asked for"}}


def _blocks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while block := spool.read(BLOCK):
            yield block
    finally:
        spool.close()


def download(fmt: str, stem: str, now: dt.datetime,
             write: Callable[[IO[bytes]], object]) -> StreamingResponse:
    """What ``write`` writes, as an attachment named ``<stem>-<UTC time>.<fmt>``."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 - closed by _blocks
    try:
        write(spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    name = f"{stem}-{now.astimezone(dt.UTC):%Y%m%d-%H%M%S}.{fmt}"
    return StreamingResponse(_blocks(spool), media_type=MEDIA_TYPES[fmt],
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})
