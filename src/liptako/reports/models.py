"""The weekly situation report's mailing lists: one per state (or the secretariat), each
built with one account's view."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liptako.auth.models import User
from liptako.auth.rules import SECRETARIAT
from liptako.core.db import Base


class ReportSubscription(Base):
    """Where a state's weekly situation report goes, in which language, and whose view it is
    built with."""

    __tablename__ = "report_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(3), index=True)
    # e-mail addresses separated by commas
    recipients: Mapped[str] = mapped_column(String(1000))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    # the report holds what this account may see: an active account of the state (any of
    # the secretariat's for its lists)
    built_for: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime]
    disabled_at: Mapped[dt.datetime | None]
    # the Monday of the last week sent; None until the first
    last_week: Mapped[dt.date | None]

    account: Mapped[User] = relationship(foreign_keys=[built_for])

    @property
    def built_for_username(self) -> str:
        return self.account.username

    @property
    def country(self) -> str:
        """The area its report covers: the state, or every member state for the
        secretariat's lists."""
        return "all" if self.state == SECRETARIAT else self.state
