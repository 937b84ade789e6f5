"""Intake: a report's text (a field message, a news item) read into a draft incident."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import Field

from liptako.core.clock import Day, utcnow
from liptako.core.errors import RuleViolation
from liptako.incidents.rules import REPORTERS
from liptako.incidents.schemas import Strict
from liptako.intake import service as intake
from liptako.web.security import Principal, require_roles

router = APIRouter(prefix="/intake", tags=["intake"])
ReporterDep = Annotated[Principal, Depends(require_roles(*REPORTERS))]


class ExtractIn(Strict):
    """A text to read, in its language if known, with the day it was reported."""

    text: str = Field(min_length=1, max_length=intake.MAX_TEXT,
                      description="the report's text, French or English")
    lang: Literal["en", "fr"] | None = Field(
        default=None, description="the text's language (default: guessed from the text)")
    reported_on: Day | None = Field(
        default=None, description="the day the text was reported, against which 'yesterday' "
        "or 'on July 31' are read (default: today, UTC)")


@router.post("/extract")
def extract(body: ExtractIn, principal: ReporterDep) -> dict[str, Any]:
    """The draft incident the text reports (the roles that report incidents), each field
    with its value and confidence, for an analyst to check; nothing is stored, so nothing
    is audited."""
    reported_on = body.reported_on or utcnow().date()
    try:
        draft = intake.extract(body.text, reported_on=reported_on, lang=body.lang)
    except ValueError as exc:  # a text of blanks only: the domain names the field
        raise RuleViolation(str(exc)) from exc
    return draft.model_dump(mode="json")
