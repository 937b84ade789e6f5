import pytest
from sqlalchemy.orm import Session

from factories.users import seed_cast
from liptako.auth.models import User


@pytest.fixture
def cast(session: Session) -> dict[str, User]:
    return seed_cast(session)
