"""OASIS EDXL-RM 1.0: requests as RequestResource, pledges as ResponseToRequestResource or
CommitResource, declines as ResponseToRequestResource; every message read or written is
validated against the official schemas kept in ``xsd/`` (offline).
"""

from liptako.assistance.edxl.messages import (
    Answer,
    Item,
    Message,
    RequestMessage,
    ResponseMessage,
)
from liptako.assistance.edxl.read import read
from liptako.assistance.edxl.validate import EdxlError, check, parse, problems, schema_dir
from liptako.assistance.edxl.write import request_resource, response

__all__ = [
    "Answer",
    "EdxlError",
    "Item",
    "Message",
    "RequestMessage",
    "ResponseMessage",
    "check",
    "parse",
    "problems",
    "read",
    "request_resource",
    "response",
    "schema_dir",
]
