"""actor edits

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 10:00:00

Analysts add names (aliases) and lineage links to the shipped actor registry; the rows keep
who added them and when, and a removal is soft (who removed them and when).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liptako.core.db

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

_WHO = ('created_by', 'removed_by')


def _who(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_by_name', sa.String(length=64), nullable=False),
        sa.Column('created_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('removed_by', sa.Integer(), nullable=True),
        sa.Column('removed_by_name', sa.String(length=64), nullable=True),
        sa.Column('removed_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
        *(sa.ForeignKeyConstraint([column], ['user_account.id'],
                                  name=op.f(f'fk_{table}_{column}_user_account'))
          for column in _WHO),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade() -> None:
    op.create_table(
        'actor_alias',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('lang', sa.String(length=8), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=True),
        sa.Column('valid_to', sa.Date(), nullable=True),
        *_who('actor_alias'),
    )
    op.create_index(op.f('ix_actor_alias_actor_id'), 'actor_alias', ['actor_id'])
    op.create_table(
        'actor_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.String(length=64), nullable=False),
        sa.Column('relation', sa.String(length=12), nullable=False),
        sa.Column('other_id', sa.String(length=64), nullable=False),
        sa.Column('linked_on', sa.Date(), nullable=True),
        *_who('actor_link'),
    )
    op.create_index(op.f('ix_actor_link_actor_id'), 'actor_link', ['actor_id'])
    op.create_index(op.f('ix_actor_link_other_id'), 'actor_link', ['other_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_actor_link_other_id'), table_name='actor_link')
    op.drop_index(op.f('ix_actor_link_actor_id'), table_name='actor_link')
    op.drop_table('actor_link')
    op.drop_index(op.f('ix_actor_alias_actor_id'), table_name='actor_alias')
    op.drop_table('actor_alias')
