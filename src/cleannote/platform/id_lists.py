"""`field__any_of=ids`: a filter on a long list of ids written as one PostgreSQL array.

`field__in=ids` with thousands of ids (a week view's appointments, their patients, their
cases) costs more in Python than in the database: Django prepares every value, the SQL holds a
placeholder per id, and psycopg splits that long statement afresh each time (its statement
cache skips long queries). `field = ANY(%s)` with one list parameter costs none of it and
plans the same (ADR 0607). The list goes in as the array's text (`'{1,2,3}'`), one string
psycopg quotes in C, not a Python list it dumps id by id: 20,000 ids (the compliance report's
open cases, read four times) cost some 20 ms each that way (ADR 0865). On other databases
(SQLite, for tests and small clinics) it is the same `IN (…)` as before. The ids must be
integers (primary or foreign keys).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        values: Iterable[Any] = self.rhs
        return [int(value) for value in values]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids: list[int] = self.rhs
        if connection.vendor == "postgresql":
            literal = "{" + ",".join(map(str, ids)) + "}"  # integers: nothing to escape
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, literal)
        if not ids:
            return "1 = 0", tuple(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", (*lhs_params, *ids)


def register() -> None:
    """Called once at start-up (platform's AppConfig.ready)."""
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)  # a relation's lookups stop at ForeignObject
