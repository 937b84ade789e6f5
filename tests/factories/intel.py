"""Analysts' edits of the actor registry, made through the service as an analyst would."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from liptako.audit.service import Actor
from liptako.intel import service
from liptako.intel.schemas import AliasIn, LinkIn

NOW = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
SECRETARIAT = Actor(None, "seed", "SEC")


def seed_actor_edits(session: Session) -> dict[str, int]:
    """Two added aliases and two added links of JNIM (one each for the API's and the pages'
    removals): their ids by use."""
    made = {}
    for use in ("alias", "page_alias"):
        made[use] = service.add_alias(
            session, "jnim", AliasIn.model_validate({"name": f"seeded {use}", "lang": "en"}),
            actor=SECRETARIAT, roles=("secretariat",), now=NOW).id
    for use, other in (("link", "ansar_al_sharia_mali"), ("page_link", "katiba_al_mansour")):
        made[use] = service.add_lineage(
            session, "jnim", LinkIn.model_validate({"relation": "predecessor",
                                                    "other_id": other}),
            actor=SECRETARIAT, roles=("secretariat",), now=NOW).id
    return made
