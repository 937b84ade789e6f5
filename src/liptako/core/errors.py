"""Domain errors; the web layer maps each to one HTTP status in one handler."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self


@dataclass(frozen=True)
class Refusal:
    """Why a rule refuses a step: a stable ``code`` with the plain values it is about
    (``params``), for a page to say it in its reader's language, and ``detail``, the English
    sentence an API answers with."""

    code: str
    detail: str
    params: Mapping[str, Any] = field(default_factory=dict)


class DomainError(Exception):
    """Base for errors a caller can act on; ``code`` is stable, ``detail`` is for people.

    ``reason`` and ``params``, when a rule gave them (:class:`Refusal`), say more precisely
    what was refused; an API answers with ``code`` and ``detail`` only.
    """

    code = "error"

    def __init__(self, detail: str, *, reason: str | None = None,
                 params: Mapping[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.reason = reason
        self.params = dict(params or {})

    @classmethod
    def of(cls, refusal: Refusal) -> Self:
        """The error carrying a rule's refusal."""
        return cls(refusal.detail, reason=refusal.code, params=refusal.params)


class NotFound(DomainError):
    """The record does not exist, or the caller may not see it (the same answer)."""

    code = "not_found"


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, illegal transition)."""

    code = "conflict"


class RuleViolation(DomainError):
    """The input breaks a rule of the domain."""

    code = "rule_violation"


class PermissionDenied(DomainError):
    """The caller is known but may not do this."""

    code = "permission_denied"


class Refused(PermissionDenied):
    """A refusal already recorded in the audit: the request's transaction commits that
    record (and only what came before the refusal) before answering 403."""


class Unauthenticated(DomainError):
    """The caller could not be identified."""

    code = "unauthenticated"
