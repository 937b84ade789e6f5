"""What a refused form says, field by field: the validation errors of the model a page's form
feeds (``RequestIn``, ``PledgeIn``, ``DeliveryIn``), as messages naming the line item and the
field in the user's language ("Need 2, quantity: a positive number is expected."), keyed by
the id of the input they are about, for the template to mark it (``aria-invalid``,
``aria-describedby``) and to say so next to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from liptako.web.messages import N_

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Field:
    """An input of a form: its id (``{row}`` for a need's row), its name, what is expected."""

    input_id: str
    label: str
    expected: str


NUMBER = N_("a positive number is expected")
DATE = N_("a date is expected")
TEXT = N_("a text is expected")

REQUEST = {
    "title": Field("title", N_("title"), N_("3 to 200 characters on one line are expected")),
    "situation": Field("situation", N_("situation"),
                       N_("a description of up to 10,000 characters is expected")),
    "incident_ids": Field("incident_ids", N_("incidents"),
                          N_("incident numbers separated by commas are expected, each once")),
    "deadline_at": Field("deadline_on", N_("answers due by"), DATE),
    "article": Field("article", N_("article"), N_("one of the list is expected")),
    "tlp": Field("tlp", N_("TLP marking"), N_("one of the list is expected")),
    "items": Field("item0_kind", N_("needs"), N_("at least one need is expected")),
}
NEED = {
    "kind": Field("item{row}_kind", N_("kind"), N_("a kind of need is expected")),
    "description": Field("item{row}_description", N_("description"), TEXT),
    "quantity": Field("item{row}_quantity", N_("quantity"), NUMBER),
    "unit": Field("item{row}_unit", N_("unit"),
                  N_("a unit is expected (troops, sorties, tonnes…)")),
    "place": Field("item{row}_place", N_("place"), TEXT),
    "starts_at": Field("item{row}_starts_on", N_("start date"), DATE),
    "ends_at": Field("item{row}_ends_on", N_("end date"),
                     N_("a date on or after the start date is expected")),
    "priority": Field("item{row}_priority", N_("priority"), N_("1, 2 or 3 is expected")),
}
PLEDGE = {
    "line_item_id": Field("line_item_id", N_("need"), N_("one of the list is expected")),
    "quantity": Field("quantity", N_("quantity"), NUMBER),
    "available_from": Field("available_on", N_("available from"), DATE),
    "description": Field("pledge_description", N_("what"), TEXT),
}
DELIVERY = {
    "delivered_quantity": Field("delivered_quantity_{pledge}", N_("quantity delivered"), NUMBER),
}
OTHER = Field("", "", N_("Check this field."))


def _where_and_field(error: Mapping[str, Any]) -> tuple[tuple[Any, ...], str]:
    """The error's location, and the field it is about: a model validator names it first in
    its message ("ends_at: expected a time on or after ...")."""
    loc = tuple(error.get("loc", ()))
    named = str(error.get("msg", "")).removeprefix("Value error, ").split(":")[0]
    if error.get("type") == "value_error" and named.isidentifier():
        return loc, named
    return loc[:-1], str(loc[-1]) if loc else ""


def say(_: Gettext, field: Field, where: str | None = None) -> str:
    """"Need 2, quantity: a positive number is expected." (or without the need)."""
    if not field.label:
        return _(field.expected)
    if where:
        return _("%(where)s, %(field)s: %(expected)s.") % {
            "where": where, "field": _(field.label), "expected": _(field.expected)}
    label = _(field.label)
    return _("%(field)s: %(expected)s.") % {"field": label[:1].upper() + label[1:],
                                            "expected": _(field.expected)}


def request_errors(exc: ValidationError, _: Gettext, rows: list[int]) -> dict[str, str]:
    """The errors of the request form; ``rows[i]`` is the form row of the request's i-th need
    (rows left empty are not needs)."""
    said: dict[str, str] = {}
    for error in exc.errors():
        where, name = _where_and_field(error)
        if where[:1] == ("items",) and len(where) > 1 and isinstance(where[1], int):
            row = rows[where[1]]
            field = NEED.get(name, OTHER)
            key = field.input_id.format(row=row) or f"item{row}_kind"
            said.setdefault(key, say(_, field, _("Need %(number)s") % {"number": row + 1}))
        else:
            field = REQUEST.get(str(where[0]) if where else name, OTHER)
            said.setdefault(field.input_id or "request-form", say(_, field))
    return said


def action_errors(exc: ValidationError, _: Gettext, form: Mapping[str, str]) -> dict[str, str]:
    """The errors of a pledge or a delivery form on a request's page."""
    fields, where = ((DELIVERY, _("Delivery")) if form.get("action") == "deliver"
                     else (PLEDGE, _("Your pledge")))
    said: dict[str, str] = {}
    for error in exc.errors():
        field = fields.get(_where_and_field(error)[1], OTHER)
        key = field.input_id.format(pledge=form.get("pledge_id", ""))
        said.setdefault(key or "action", say(_, field, where))
    return said


def typed(form: Mapping[str, str]) -> dict[str, str]:
    """What was typed in a refused pledge or delivery form, by input id, to show it again."""
    if form.get("action") == "deliver":
        return {f"delivered_quantity_{form.get('pledge_id', '')}":
                form.get("delivered_quantity", "")}
    return {"line_item_id": form.get("line_item_id", ""), "quantity": form.get("quantity", ""),
            "pledge_description": form.get("description", ""),
            "available_on": form.get("available_on", "")}
