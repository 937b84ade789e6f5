"""A refused step said in the reader's language: the rule's reason code and its values become
a sentence saying what is needed (states by name, statuses and steps in words); a refusal
without a known code falls back to a general sentence and the English detail."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from liptako.core.errors import DomainError, Refusal
from liptako.web.messages import N_, STATE_NAMES

Gettext = Callable[[str], str]

# the steps of the assistance workflow, as they end a sentence ("Only ... may <step>.")
STEPS = {
    "submit": N_("submit the request"), "open": N_("open the request for pledges"),
    "withdraw": N_("withdraw the request"), "pledge": N_("pledge resources"),
    "decline": N_("decline the request"), "withdraw_pledge": N_("withdraw this pledge"),
    "accept_pledge": N_("accept a pledge"), "refuse_pledge": N_("refuse a pledge"),
    "convene": N_("convene the vote"), "vote": N_("cast a vote"),
    "decide": N_("record the decision"),
    "start_delivery": N_("start delivery"), "close": N_("close the request"),
    "confirm_delivery": N_("confirm a delivery"),
}

SENTENCES = {
    # who may act
    "requester_only": N_("Only the liaison officer of the requesting state ({requesting_state}) "
                         "may {action}."),
    "requester_or_secretariat": N_("Only the liaison officer of the requesting state "
                                   "({requesting_state}) or the secretariat may {action}."),
    "secretariat_only": N_("Only the secretariat may {action}."),
    "own_request": N_("The requesting state ({state}) does not answer its own request."),
    "liaison_only": N_("Only a liaison officer of a party may {action}."),
    "pledge_owner_only": N_("Only a liaison officer of the state that made the pledge "
                            "({owner_state}) may {action}."),
    "presidency_only": N_("Only the presidency ({presidency}) may {action}, or the secretariat "
                          "on its behalf."),
    "no_presidency": N_("No presidency is recorded for today: nobody may {action}."),
    "not_a_party": N_("Only a party to the pact today ({members}) may {action}."),
    # where the request or the pledge stands
    "request_status": N_("The request is now {status}: to {action}, it must be {allowed}."),
    "pledge_status": N_("This pledge is now {status}: to {action}, it must be {allowed}."),
    "deadline_passed": N_("The deadline for answers has passed: file a new request."),
    "already_convened": N_("The vote has already been convened."),
    "not_convened": N_("The vote has not been convened yet: the presidency or the secretariat "
                       "convenes it first."),
    "already_voted": N_("Your state ({state}) has already voted: a vote is final."),
    "declined": N_("Your state ({state}) has declined this request: a decline is final."),
    "live_pledges": N_("Your state ({state}) still has pledges on this request: withdraw them "
                       "before declining."),
    "vote_open": N_("The vote is still open: votes awaited from {waiting}."),
    "not_adopted": N_("The Alliance did not adopt the request: delivery does not start."),
    "no_accepted_pledge": N_("No pledge has been accepted: accept at least one before starting "
                             "delivery."),
    # classification decisions
    "classify_own_state": N_("This incident lies in another state ({incident_state}): only its "
                             "analysts or the secretariat may classify it."),
    "decision_reviewed": N_("This decision has already been reviewed."),
    "review_secretariat_only": N_("Only a person of the secretariat confirms or rejects a "
                                  "decision."),
    "review_second_person": N_("A second person of the secretariat must review this decision: "
                               "the one who recorded it may not."),
    # what must happen before a request for assistance can invoke an incident
    "classification_needed": N_("Art. {article} is not determined yet: an analyst of "
                                "{incident_state} or the secretariat must answer the "
                                "classification question first."),
    "classification_pending": N_("Art. {article} is not determined yet: the answer to the "
                                 "classification question awaits confirmation by a second "
                                 "person of the secretariat."),
    "facts_missing": N_("Art. {article} is not determined yet: the report lacks facts the "
                        "Charter needs (see the determinations above)."),
    "article_engaged_for_other": N_("Art. {article} is engaged for another state "
                                    "({beneficiary}): only it may request assistance on this "
                                    "incident."),
    "nothing_to_invoke": N_("No article a request for assistance may invoke is engaged for "
                            "your state ({state}) by this incident."),
    # the actor registry's edits
    "alias_held": N_("The name is already taken: {holder} has the name “{name}” in an "
                     "overlapping period."),
    "alias_own": N_("This actor already has the name “{name}” in an overlapping period."),
    "lineage_self": N_("An actor is not its own predecessor or successor."),
    "lineage_exists": N_("This actor is already linked to {other}."),
}
FALLBACK = N_("The step was refused: {detail}")
STATE_KEYS = ("state", "requesting_state", "owner_state", "presidency", "incident_state",
              "beneficiary")


def state_name(code: str | None, _: Gettext) -> str:
    """A state (or the secretariat) by name, in the reader's language."""
    return _(STATE_NAMES[code]) if code in STATE_NAMES else str(code or "")


def _words(params: Mapping[str, Any], _: Gettext) -> dict[str, str]:
    quote = _("“{word}”").format
    or_ = _(" or ")
    words = {k: str(v) for k, v in params.items()}
    words.update({k: state_name(params[k], _) for k in STATE_KEYS if k in params})
    for key in ("members", "waiting"):
        if key in params:
            words[key] = ", ".join(state_name(s, _) for s in params[key])
    if "status" in params:
        words["status"] = quote(word=_(params["status"]))
    if "allowed" in params:
        words["allowed"] = or_.join(quote(word=_(s)) for s in params["allowed"])
    if params.get("action") in STEPS:
        words["action"] = _(STEPS[params["action"]])
    return words


def say(refusal: Refusal, _: Gettext) -> str:
    """The refusal as a sentence in the reader's language."""
    sentence = SENTENCES.get(refusal.code)
    if sentence is not None:
        try:
            return _(sentence).format(**_words(refusal.params, _))
        except (KeyError, IndexError, ValueError):  # a value the sentence cannot take
            pass
    return _(FALLBACK).format(detail=refusal.detail)


def explain(error: DomainError, _: Gettext) -> str:
    """What a refused page action needs, from the error the use case raised."""
    return say(Refusal(error.reason or "", error.detail, error.params), _)
