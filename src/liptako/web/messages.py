"""Messages chosen at run time, listed here so that the extractor finds them (`make i18n`)."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for translation without translating it now."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message and its plural for translation without translating them now."""
    return singular, plural


DYNAMIC = (
    # event types
    N_("Battle"), N_("Explosion / remote violence"), N_("Violence against civilians"),
    N_("Protest"), N_("Riot"), N_("Strategic development"),
    # report form field messages
    N_("Enter the date of the incident, not in the future."),
    N_("Choose the place on the map or from the list, or enter its coordinates."),
    N_("Describe what happened (up to 5,000 characters)."),
    N_("Choose the type of event."),
    N_("Enter a whole number of fatalities, 0 or more."),
    N_("Check the perpetrator."), N_("Check the target."), N_("Choose a TLP marking."),
    N_("Choose only states of the Alliance or the secretariat."), N_("Check this field."),
    N_("The text is too long: keep it under 20,000 characters."),
    # login
    N_("Too many failed attempts. Try again later."), N_("Wrong user name or password."),
    # error pages
    N_("Not found"), N_("Not allowed"), N_("Conflict"), N_("Invalid request"), N_("Error"),
    N_("This record does not exist or is not releasable to you."),
    N_("Your role does not allow this."),
    # charter statuses and attribution
    N_("engaged"), N_("not_engaged"), N_("undetermined"), N_("certain"), N_("uncertain"),
    # duty statuses
    N_("open"), N_("lapsed"), N_("discharged"),
    # assistance: request statuses, pledge statuses, needs, votes, outcomes
    N_("draft"), N_("submitted"), N_("open_for_pledges"), N_("decided"), N_("in_delivery"),
    N_("closed"), N_("withdrawn"), N_("pledged"), N_("accepted"), N_("declined_by_requester"),
    N_("delivered"), N_("air_support"), N_("isr_intelligence"), N_("troops"),
    N_("medical_evacuation"), N_("logistics"), N_("humanitarian_relief"), N_("other"),
    N_("abstain"), N_("adopted"), N_("rejected"), N_("Unknown action."),
    N_("Check the form: a field is missing or wrong."),
)

# an incident's actors by role, as the source files name them
ACTOR_ROLES = {
    "actor1": N_("First actor"), "assoc_actor_1": N_("Associated with the first actor"),
    "actor2": N_("Second actor"), "assoc_actor_2": N_("Associated with the second actor"),
}

# the facts a charter determination may still need (liptako.charter.logic.FIELDS)
MISSING_FACTS = {
    "location": N_("where it happened"),
    "perpetrator.kind": N_("what kind of actor the perpetrator is"),
    "perpetrator.state": N_("which state the perpetrator belongs to"),
    "perpetrator.group_type": N_("what kind of group the perpetrator is"),
    "target.kind": N_("what was attacked"),
    "target.outside_alliance_area": N_("whether the target was outside the Alliance area"),
    "host_permitted": N_("whether the host state permitted it"),
    "classification.attack_on_sovereignty": N_("a classification: is this an attack on "
                                               "sovereignty?"),
}

# the steps of a request for assistance, as its timeline shows them
TIMELINE_ACTIONS = {
    "file": N_("filed"), "submit": N_("submitted"), "open": N_("opened for pledges"),
    "pledge": N_("pledged"), "decline": N_("declined"), "accept_pledge": N_("pledge accepted"),
    "refuse_pledge": N_("pledge refused"), "withdraw_pledge": N_("pledge withdrawn"),
    "convene": N_("vote convened"), "vote": N_("voted"), "decide": N_("decision recorded"),
    "start_delivery": N_("delivery started"), "confirm_delivery": N_("delivery confirmed"),
    "discharge_duties": N_("duties discharged"), "close": N_("closed"),
    "withdraw": N_("withdrawn"), "remind": N_("reminder sent"),
    "escalate": N_("escalated to the secretariat"),
}

# the Alliance's states and the secretariat, by name
STATE_NAMES = {"BFA": N_("Burkina Faso"), "MLI": N_("Mali"), "NER": N_("Niger"),
               "SEC": N_("Secretariat")}

# counted on the pages: the map's summary, tooltips and chart
EVENTS = Nn_("event", "events")
FATALITIES = Nn_("fatality", "fatalities")
CLUSTERS = Nn_("cluster with p ≤ 0.05", "clusters with p ≤ 0.05")

# Units of line items that the pages write in the reader's language and number ("1 sortie",
# "150 soldiers", "150 militaires"): a requester writes the unit freely, in either language;
# one of these words (any case) names the unit, any other is shown as written.
UNITS = {
    Nn_("soldier", "soldiers"): ("soldier", "soldiers", "troop", "troops", "militaire",
                                 "militaires", "troupe", "troupes"),
    Nn_("sortie", "sorties"): ("sortie", "sorties"),
    Nn_("tonne", "tonnes"): ("tonne", "tonnes", "t"),
    Nn_("aircraft", "aircraft"): ("aircraft", "aéronef", "aéronefs", "avion", "avions"),
    Nn_("helicopter", "helicopters"): ("helicopter", "helicopters", "hélicoptère",
                                       "hélicoptères"),
    Nn_("vehicle", "vehicles"): ("vehicle", "vehicles", "véhicule", "véhicules"),
    Nn_("team", "teams"): ("team", "teams", "équipe", "équipes"),
    Nn_("mission", "missions"): ("mission", "missions"),
    Nn_("flight", "flights"): ("flight", "flights", "vol", "vols"),
    Nn_("day", "days"): ("day", "days", "jour", "jours"),
    # EDXL-RM's unit when a message names none (assistance.edxl.read.DEFAULT_UNIT)
    Nn_("unit", "units"): ("unit", "units", "unité", "unités"),
}
UNIT_WORDS = {word: forms for forms, words in UNITS.items() for word in words}
