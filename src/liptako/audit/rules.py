"""Pure hashing rules of the audit chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def digest(value: Any) -> str:
    """A SHA-256 digest of a JSON-serialisable value, stable across key order."""
    blob = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The chained hash of one entry: SHA-256 over the previous hash and the entry's fields."""
    payload = dict(fields)
    at = payload.get("at")
    if isinstance(at, dt.datetime):
        payload["at"] = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + "|" + blob).encode("utf-8")).hexdigest()
