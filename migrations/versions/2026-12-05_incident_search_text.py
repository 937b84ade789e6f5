"""incident search text

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 03:00:00

The map's text search (the list's and the stats' ``q``) finds "Ségou" when asked for "segou":
each incident keeps the words of its description and place names case folded and without
accents, written on every insert and update, so that a plain LIKE compares them the same way
on SQLite and PostgreSQL. Incidents stored before are filled here, with the rule as it stands
today (liptako.incidents.rules.search_text; a test checks that both agree).
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

SEARCHED = ("description", "src_location", "src_admin1", "src_admin2", "src_admin3",
            "admin1_name", "admin2_name")
BATCH = 2000


def _search_text(*texts: str | None) -> str:
    folded = unicodedata.normalize("NFKD", " ".join(t for t in texts if t).casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain.translate(str.maketrans({"œ": "oe", "æ": "ae"}))))


def upgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False,
                                      server_default=''))
    _fill()


def _fill() -> None:
    bind = op.get_bind()
    incident = sa.table('incident', sa.column('id', sa.Integer()), sa.column('search_text'),
                        *(sa.column(name) for name in SEARCHED))
    last = 0
    while True:
        rows = bind.execute(sa.select(incident.c.id, *(incident.c[n] for n in SEARCHED))
                            .where(incident.c.id > last).order_by(incident.c.id)
                            .limit(BATCH)).all()
        if not rows:
            return
        bind.execute(sa.update(incident).where(incident.c.id == sa.bindparam('row_id'))
                     .values(search_text=sa.bindparam('words')),
                     [{'row_id': row[0], 'words': _search_text(*row[1:])} for row in rows])
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('search_text')
