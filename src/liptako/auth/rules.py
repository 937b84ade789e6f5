"""Pure rules of identity: roles, states and password policy."""

from __future__ import annotations

from typing import Final

ROLES: Final = ("admin", "secretariat", "liaison", "analyst", "observer")
SECRETARIAT: Final = "SEC"
MEMBER_STATES: Final = ("BFA", "MLI", "NER")
MIN_PASSWORD_LENGTH: Final = 12


def check_roles(roles: list[str]) -> list[str]:
    """The roles, sorted and de-duplicated; raises ValueError naming any unknown one."""
    unknown = sorted(set(roles) - set(ROLES))
    if unknown or not roles:
        raise ValueError(f"role: expected one or more of {', '.join(ROLES)}, got {roles!r}")
    return sorted(set(roles))


def check_state(state: str) -> str:
    """A member state's ISO3 code or SEC for the secretariat."""
    code = state.strip().upper()
    if code not in (*MEMBER_STATES, SECRETARIAT):
        allowed = ", ".join((*MEMBER_STATES, SECRETARIAT))
        raise ValueError(f"state: expected one of {allowed}, got {state!r}")
    return code


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(
            f"password: expected at least {MIN_PASSWORD_LENGTH} characters, got {len(password)}"
        )
    return password
