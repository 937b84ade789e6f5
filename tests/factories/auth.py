"""The named cast of seeded users and states every web test can rely on."""

from __future__ import annotations

import datetime as dt
import functools

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from liptako.auth.models import User

PASSWORD = "correct horse battery staple"
NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)

# name: (state, roles)
CAST: dict[str, tuple[str, list[str]]] = {
    "admin": ("SEC", ["admin"]),
    "sec": ("SEC", ["secretariat"]),
    "awa_mli_analyst": ("MLI", ["analyst"]),
    "amadou_mli_liaison": ("MLI", ["liaison"]),
    "ibrahim_bfa_liaison": ("BFA", ["liaison"]),
    "bfa_analyst": ("BFA", ["analyst"]),
    "moussa_ner_liaison": ("NER", ["liaison"]),
    "ner_analyst": ("NER", ["analyst"]),
    "mli_observer": ("MLI", ["observer"]),
}


@functools.cache
def _hash() -> str:
    """The cast's password as an Argon2id hash with the smallest cost Argon2 allows.

    Verifying a hash takes the cost written in it, and the suite signs the cast in thousands
    of times: at the production cost (liptako.auth.passwords) that was minutes of every run.
    The login path is the same (the same verify on a real Argon2id hash); the tests of
    hashing itself (accounts made, passwords set) still use the production cost."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


def seed_cast(session: Session) -> dict[str, User]:
    """Insert the cast (idempotent within one transaction) and return it by name."""
    users = {}
    for name, (state, roles) in CAST.items():
        existing = session.query(User).filter_by(username=name).one_or_none()
        user = existing or User(username=name, password_hash=_hash(), state=state, roles=roles,
                                full_name=name.replace("_", " ").title(), locale="fr",
                                is_active=True, created_at=NOW)
        session.add(user)
        users[name] = user
    session.flush()
    return users


STATE_ADMINS = {"mli_admin": "MLI", "bfa_admin": "BFA", "ner_admin": "NER"}


def seed_state_admins(session: Session) -> dict[str, User]:
    """An administrator for each member state (beside the secretariat's ``admin``)."""
    made = {}
    for name, state in STATE_ADMINS.items():
        made[name] = User(username=name, password_hash=_hash(), state=state, roles=["admin"],
                          full_name=name.replace("_", " ").title(), locale="fr",
                          is_active=True, created_at=NOW)
        session.add(made[name])
    session.flush()
    return made
