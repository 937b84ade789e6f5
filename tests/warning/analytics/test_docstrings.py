"""The numpydoc examples of the analytics run as written."""

import doctest
import importlib

import pytest

MODULES = ["neighbours", "gistar", "fdr", "mann_kendall", "emerging", "panel", "features",
           "baselines", "scoring", "forecast_model", "backtest", "outlook"]


@pytest.mark.parametrize("name", MODULES)
def test_examples_in_docstrings_run(name: str) -> None:
    module = importlib.import_module(f"liptako.warning.analytics.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
