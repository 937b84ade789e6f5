"""The schemathesis run of the suite (``tests/web/test_fuzz.py``) and of ``bench/fuzz.py``:
every operation of the API's OpenAPI document, every phase and every check, as one caller,
against the app in this process (ASGI, no server)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import schemathesis
from schemathesis.engine import events, from_schema

OPENAPI = "/api/v1/openapi.json"

# Every check runs but these, each for the reason given:
EXCLUDED_CHECKS = {
    # It counts a 422 for input the schema allows as a failure, but the API refuses with 422
    # (naming the field) what a schema cannot state: a control character in any string, a
    # deadline already past, an incident dated before 1946 or in the future, a period or a
    # bounding box whose ends are in the wrong order, a cursor no page gave, a line item with
    # a latitude but no longitude, an EDXL-RM document that is not one.
    "positive_data_acceptance",
}


@dataclass
class Tally:
    """What a run did and found."""

    caller: str
    examples: int = 0
    per_operation: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    failures: dict[tuple[str, str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    raised: list[str] = field(default_factory=list)  # by the app: each answered 500

    def add(self, event: events.EngineEvent) -> None:
        if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            self._scenario(event)
        elif isinstance(event, events.NonFatalError):
            self.errors.append(f"{event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            self.errors.append(f"schemathesis stopped: {event.exception!r}")

    def _scenario(self, event: events.ScenarioFinished) -> None:
        recorder = event.recorder
        for case_id, interaction in recorder.interactions.items():
            self.examples += 1
            self.per_operation[recorder.cases[case_id].value.operation.label] += 1
            status = interaction.response.status_code if interaction.response else 0
            if status >= 500:
                self.server_errors.append(f"{interaction.request.method} "
                                          f"{interaction.request.uri}: {status}")
        for checks in recorder.checks.values():
            for check in checks:
                if check.failure_info is None:
                    continue
                failure = check.failure_info.failure
                key = (check.name, failure.operation or event.label or "", failure.title)
                self.failures.setdefault(
                    key, f"{failure.message}\n{check.failure_info.code_sample}")

    @property
    def operations(self) -> set[str]:
        return set(self.per_operation)

    @property
    def ok(self) -> bool:
        return not (self.server_errors or self.failures or self.errors)

    def summary(self) -> str:
        return (f"{self.caller}: {len(self.operations)} operations, {self.examples} examples, "
                f"{len(self.server_errors)} server errors, {len(self.failures)} check failures, "
                f"{len(self.errors)} errors")

    def report(self, limit: int = 20) -> str:
        """The summary, then what went wrong (at most ``limit`` of each)."""
        lines = [self.summary()]
        lines += [f"  server error: {e}" for e in self.server_errors[:limit]]
        lines += [f"  raised: {e[:1500]}" for e in self.raised[:limit]]
        lines += [f"  {name} on {operation}: {title}\n    {detail[:1500]}"
                  for (name, operation, title), detail in list(self.failures.items())[:limit]]
        lines += [f"  error: {e[:1500]}" for e in self.errors[:limit]]
        return "\n".join(lines)


Coverage = Literal["all", "negative", "none"]


def config(headers: dict[str, str], *, max_examples: int, seed: int,
           coverage: Coverage) -> schemathesis.Config:
    """One caller's run: reproducible (seeded, derandomised, no example database), one
    request at a time (the suite's app shares one database session), no time limit per
    example, no Hypothesis health check (a slow or much-filtered operation is tested all the
    same). ``coverage="negative"`` keeps only the coverage phase's invalid requests (its
    valid boundary values are the costly half: they create records), ``"none"`` leaves the
    phase out."""
    phase = ({"enabled": False} if coverage == "none"
             else {"generation": {"mode": coverage}})
    return schemathesis.Config.from_dict({
        "seed": seed,
        "workers": 1,
        "headers": headers,
        "continue-on-failure": True,
        "suppress-health-check": ["all"],
        "generation": {"max-examples": max_examples, "deterministic": True, "database": "none"},
        "checks": {name: {"enabled": False} for name in EXCLUDED_CHECKS},
        "phases": {"coverage": phase},
    })


class Served:
    """The app as a server runs it: an exception raised once the app has answered 500 is
    kept here (a server logs it), not thrown at the client, so that schemathesis sees the
    500 like any other answer."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.raised: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            self.raised.append(f"{scope['method']} {scope['path']}: {exc!r}")


def fuzz(app: Any, caller: str, headers: dict[str, str], *, max_examples: int, seed: int,
         coverage: Coverage = "all",
         progress: Callable[[events.EngineEvent], None] | None = None) -> Tally:
    """Run schemathesis against ``app`` with ``headers`` (the caller's credentials)."""
    served = Served(app)
    run = config(headers, max_examples=max_examples, seed=seed, coverage=coverage)
    schema = schemathesis.openapi.from_asgi(OPENAPI, served, config=run)
    tally = Tally(caller)
    for event in from_schema(schema).execute():
        tally.add(event)
        if progress is not None:
            progress(event)
    tally.raised = served.raised
    return tally
