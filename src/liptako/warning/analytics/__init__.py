"""Pure early-warning analytics: arrays in, arrays and frozen dataclasses out.

Nothing here touches a database, the clock or the global random generator: every random draw
comes from a ``seed`` the caller gives.
"""
