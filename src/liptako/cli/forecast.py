"""`liptako forecast`: forecasts of violence per area and month, and how good they are."""

from __future__ import annotations

import json
import time
from enum import Enum
from typing import TYPE_CHECKING, Any

import typer

from liptako.cli.common import Format, fail, progress_bar, settings_of, unit_of_work
from liptako.cli.warning import Audience

if TYPE_CHECKING:
    from rich.table import Table
    from sqlalchemy.orm import Session

    from liptako.warning.schemas import BacktestParameters

app = typer.Typer(help="Forecasts of fatalities and events per area and month.",
                  no_args_is_help=True)


class Target(str, Enum):
    fatalities = "fatalities"
    events = "events"
    battle = "battle"
    explosion_remote_violence = "explosion_remote_violence"
    violence_against_civilians = "violence_against_civilians"
    protest = "protest"
    riot = "riot"
    strategic_development = "strategic_development"


@app.command("backtest")
def backtest(
    ctx: typer.Context,
    origins: str = typer.Option(..., "--origins", metavar="YYYY-MM:YYYY-MM",
                                help="The origin months: each is a month the forecasts "
                                     "stand at, seeing only the events up to its end."),
    horizons: str = typer.Option("1-6", "--horizons", metavar="N-M",
                                 help="Months ahead, from 1 to 6: N-M or N."),
    target: Target = typer.Option(Target.fatalities, "--target",
                                  help="What is forecast (scored as log1p of the count)."),
    samples: int = typer.Option(1000, min=1, max=100_000,
                                help="Draws of each unit's predictive distribution."),
    seed: int = typer.Option(12345678, min=0, help="Seed of the learned model (the same "
                             "seed gives the same forecasts)."),
    for_state: Audience | None = typer.Option(None, "--for", help="Count every event one "
                                              "state's users may all see, not only those "
                                              "every user may see (CLEAR, GREEN)."),
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """Rolling-origin backtest over the stored events (never an exercise's): for each origin
    month the learned model (a quantile regression forest) and the baselines (zero,
    last_value, mean_12m, conflictology_12m) forecast each admin-1 unit 1 to 6 months ahead
    from the events up to the origin's end, then are scored on what happened: CRPS, Brier
    score of 25 deaths or more, coverage of the 80 % interval. Months after the newest
    stored event are not scored."""
    from liptako.core.errors import DomainError

    started = time.monotonic()
    try:
        params = _parameters(origins, horizons, target, samples, seed, for_state)
        with unit_of_work(settings_of(ctx)) as session:
            found = _run(session, params)
    except DomainError as exc:
        fail(exc.detail)
    line = summary_line(found, time.monotonic() - started)
    if format is Format.json:
        typer.echo(json.dumps(found))
        typer.echo(line, err=True)
        return
    from rich.console import Console

    console = Console()
    for table in _tables(found):
        console.print(table)
    typer.echo(line)


def _parameters(origins: str, horizons: str, target: Target, samples: int, seed: int,
                for_state: Audience | None) -> BacktestParameters:
    from liptako.warning.schemas import BacktestParameters, parse_horizons, parse_month_range

    first, last = parse_month_range(origins, "--origins")
    return BacktestParameters(first, last, parse_horizons(horizons, "--horizons"),
                              target=target.value, samples=samples, seed=seed,
                              for_state=for_state.value if for_state else None)


def _run(session: Session, params: BacktestParameters) -> dict[str, Any]:
    from liptako.warning.forecast import backtest_forecasts

    with progress_bar("backtest") as bar:
        task = bar.add_task("backtest", total=None)
        return backtest_forecasts(session, params, progress=lambda done, total: bar.update(
            task, completed=done, total=total))


def summary_line(found: dict[str, Any], seconds: float) -> str:
    """What was scored, what was skipped and why, and the learned model against the best
    baseline, in one line."""
    models = found["models"]
    pairs = len(found["origins"]) * len(found["horizons"])
    scored = sum(found["scored_pairs"].values())
    data = found["data"]
    baselines = [(name, v["crps"]) for name, v in models.items()
                 if v["kind"] == "baseline" and v["crps"] is not None]
    verdict = "nothing scored"
    if baselines:
        best_name, best = min(baselines, key=lambda pair: pair[1])  # the first of equals
        verdict = "; ".join(
            f"{name} CRPS {v['crps']:.4f} " + (
                f"({v['crps_ratio_to_best_baseline']:.3f} x {best_name}'s {best:.4f})"
                if v["crps_ratio_to_best_baseline"] is not None else
                f"({best_name}'s CRPS is 0: no ratio)")
            for name, v in models.items() if v["kind"] == "learned")
    skipped = (f", {pairs - scored} skipped (target month after {data['last_month']}, the "
               f"last month of the stored events)" if scored < pairs else "")
    unplaced = (f", {data['events_in_no_unit']} events in no shipped unit left out"
                if data["events_in_no_unit"] else "")
    return (f"forecast backtest: {len(found['origins'])} origins ({found['origins'][0]}.."
            f"{found['origins'][-1]}) x {len(found['horizons'])} horizons over "
            f"{data['units']} units, {data['events']} events ({data['first_month']}.."
            f"{data['last_month']}): {scored} of {pairs} origin-horizon pairs scored"
            f"{skipped}{unplaced}; {verdict}; {seconds:.1f}s")


def _tables(found: dict[str, Any]) -> list[Table]:
    """The scores, then the CRPS by horizon: two tables that fit a terminal's 80 columns."""
    from rich import box
    from rich.table import Table

    models = found["models"]
    scores = Table(title=f"{found['target']} per {found['unit']} unit and month, origins "
                         f"{found['origins'][0]}..{found['origins'][-1]}",
                   caption="CRPS: lower is better; ratio: over the best baseline's CRPS; "
                           "Brier: of 25 or more; cover: share of outcomes inside the 80 % "
                           "interval (0.80 is right)",
                   title_justify="left", caption_justify="left", box=box.SIMPLE)
    scores.add_column("model", no_wrap=True)
    scores.add_column("kind")
    for column in ("CRPS", "ratio", "Brier", "cover"):
        scores.add_column(column, justify="right")
    for name, v in models.items():
        scores.add_row(name, v["kind"], _figure(v["crps"]),
                       _figure(v["crps_ratio_to_best_baseline"], 3), _figure(v["brier_25"]),
                       _figure(v["coverage_80"], 3))
    horizons = [str(h) for h in found["horizons"]]
    by_horizon = Table(title="CRPS by months ahead", title_justify="left", box=box.SIMPLE)
    by_horizon.add_column("model", no_wrap=True)
    for h in horizons:
        by_horizon.add_column(h, justify="right")
    for name, v in models.items():
        by_horizon.add_row(name, *(_figure(v["crps_by_horizon"][h]) for h in horizons))
    return [scores, by_horizon]


def _figure(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@app.command("run")
def run(
    ctx: typer.Context,
    months: int = typer.Option(6, "--months", min=1, max=6, help="Months ahead to forecast."),
    samples: int = typer.Option(1000, min=1, max=100_000,
                                help="Draws of each unit's predictive distribution."),
    seed: int = typer.Option(12345678, min=0, help="Seed of the learned model."),
    for_state: Audience | None = typer.Option(None, "--for", help="Count every event one "
                                              "state's users may all see (only they see the "
                                              "forecast), not only those every user may "
                                              "see (CLEAR, GREEN)."),
    as_user: str | None = typer.Option(None, "--as", metavar="USERNAME",
                                       help="Record the run as made by this account."),
) -> None:
    """Forecast each admin-1 unit's fatalities in the months after the newest stored event
    (never an exercise's; its month taken as complete) with the learned model, store the
    expected count, the median, the 80 % interval and the probability of 25 or more per unit
    and month, for the map's forecast layer, the unit pages and the forecast alert rules;
    audited."""
    from liptako.cli.common import progress_bar
    from liptako.cli.warning import actor_of
    from liptako.core.clock import utcnow
    from liptako.core.errors import DomainError
    from liptako.warning.forecast import forecast_summary, run_forecast
    from liptako.warning.schemas import ForecastParameters

    try:
        params = ForecastParameters(months=months, samples=samples, seed=seed,
                                    for_state=for_state.value if for_state else None)
        with unit_of_work(settings_of(ctx)) as session, progress_bar("forecast") as bar:
            task = bar.add_task("forecast", total=months)
            stored = run_forecast(session, params, actor=actor_of(session, as_user),
                                  now=utcnow(), progress=lambda done, total: bar.update(
                                      task, completed=done, total=total))
            found, seconds, run_id = forecast_summary(stored), stored.seconds, stored.id
    except DomainError as exc:
        fail(exc.detail)
    typer.echo(
        f"forecast {run_id}: {found['units']} units x {found['months']} months after "
        f"{found['origin']} (the month of the newest event); expected fatalities next month "
        f"{found['expected_next_month']:,}; most at risk of {found['threshold']} or more: "
        f"{found['riskiest_unit']} (p {found['riskiest_p_exceed']:.2f}); {seconds:.1f}s")
