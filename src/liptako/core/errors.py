"""Domain errors; the web layer maps each to one HTTP status in one handler."""

from __future__ import annotations


class DomainError(Exception):
    """Base for errors a caller can act on; ``code`` is stable, ``detail`` is for people."""

    code = "error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


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
