from __future__ import annotations

from pathlib import Path

import pytest

from helpers.data import ACLED_DYADIC, ACLED_MONADIC, TEST_DATA


@pytest.fixture(scope="session")
def acled_dyadic() -> Path:
    return ACLED_DYADIC


@pytest.fixture(scope="session")
def acled_monadic() -> Path:
    return ACLED_MONADIC


@pytest.fixture(scope="session")
def ucdp_sample() -> Path:
    return TEST_DATA / "ucdp_ged_sample.csv"
