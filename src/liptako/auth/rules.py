"""Pure rules of identity: roles, states and password policy."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Final

ROLES: Final = ("admin", "secretariat", "liaison", "analyst", "observer")
SECRETARIAT: Final = "SEC"
MEMBER_STATES: Final = ("BFA", "MLI", "NER")
STATE_NAMES: Final = {"BFA": "Burkina Faso", "MLI": "Mali", "NER": "Niger"}  # in English
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


def check_password(password: str, username: str = "") -> str:
    """A password long enough, not one of the 30,000 most common ones (zxcvbn's list) and
    not built on the user name; raises ValueError saying which."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(
            f"password: expected at least {MIN_PASSWORD_LENGTH} characters, got {len(password)}"
        )
    folded = password.lower()
    if folded in _common_passwords() or folded.rstrip("0123456789!?.") in _common_passwords():
        raise ValueError("password: expected one that is not among the most common passwords")
    if len(username) >= 3 and username.lower() in folded:
        raise ValueError("password: expected one that does not contain the user name")
    return password


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # a large module: loaded when needed

    return frozenset(FREQUENCY_LISTS["passwords"])


SECRETARIAT_ROLES: Final = ("admin", "secretariat")
"""Roles only the secretariat's administrators grant."""


def management_refusal(admin_state: str, target_state: str, roles: list[str]) -> str | None:
    """Why an administrator of ``admin_state`` may not manage an account of ``target_state``
    holding ``roles`` (None when it may): a member state's administrator manages its own
    state's accounts only, and never grants an administrator's or the secretariat's role;
    the secretariat's administrators manage every account.

    >>> management_refusal("MLI", "BFA", ["analyst"])
    'state: an administrator of MLI manages accounts of MLI only, got BFA'
    >>> management_refusal("SEC", "BFA", ["admin"]) is None
    True
    """
    if admin_state == SECRETARIAT:
        return None
    if target_state != admin_state:
        return (f"state: an administrator of {admin_state} manages accounts of "
                f"{admin_state} only, got {target_state}")
    reserved = sorted(set(roles) & set(SECRETARIAT_ROLES))
    if reserved:
        return (f"roles: only the secretariat's administrators grant {', '.join(reserved)}, "
                f"got {', '.join(sorted(roles))}")
    return None


def managed_states(admin_state: str) -> list[str]:
    """The states whose lists and subscriptions an administrator of ``admin_state`` manages:
    their own, or every state and the secretariat for the secretariat's.

    >>> managed_states("MLI"), managed_states("SEC")
    (['MLI'], ['BFA', 'MLI', 'NER', 'SEC'])
    """
    return [*MEMBER_STATES, SECRETARIAT] if admin_state == SECRETARIAT else [admin_state]


def state_admin_refusal(roles: Iterable[str], admin_state: str, state: str) -> str | None:
    """Why a caller may not manage what belongs to ``state`` (a delivery list, a
    subscription) as an administrator (None when it may): a member state's administrators
    manage their state's, the secretariat's every state's.

    >>> state_admin_refusal(["analyst"], "MLI", "MLI")
    'expected an administrator'
    >>> state_admin_refusal(["admin"], "SEC", "NER") is None
    True
    """
    if "admin" not in roles:
        return "expected an administrator"
    return management_refusal(admin_state, state, [])
