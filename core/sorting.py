"""Sortable list columns, server-side: `?sort=<key>` ascending, `?sort=-<key>` descending.

Each list declares a `SortOrder`: a whitelist of URL keys mapped to ORDER BY fields. A key not in
the whitelist is ignored (the list's default order applies), so a URL can never order by an
arbitrary column, least of all an encrypted identity field (ciphertext order would also leak
nothing useful and cost a full scan). A tie-breaker on the primary key keeps pages stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import F, OrderBy, QuerySet
from django.http import HttpRequest, QueryDict

SORT_PARAM = "sort"

# A column's ORDER BY fields: a field name, or F(...) for a nullable value (then NULLs go last in
# either direction; plain names keep the exact ORDER BY that the lists' indexes match).
Field = str | F


@dataclass(frozen=True)
class SortOrder:
    columns: Mapping[str, tuple[Field, ...]]
    default: str  # "key" or "-key": the order when none (or an unknown one) is asked for
    # Fields already unique: a column ending on one needs no pk tie-breaker.
    unique: frozenset[str] = field(default_factory=lambda: frozenset({"pk"}))

    def __post_init__(self) -> None:
        assert self.default.lstrip("-") in self.columns, self.default

    def parse(self, value: str | None) -> Sort:
        """The sort asked for in `value`, or the default one."""
        value = (value or "").strip()
        key = value.removeprefix("-")
        if key in self.columns:
            return Sort(self, key, descending=value.startswith("-"), asked=value)
        return Sort(self, self.default.lstrip("-"), descending=self.default.startswith("-"), asked="")

    def from_request(self, request: HttpRequest) -> Sort:
        return self.parse(request.GET.get(SORT_PARAM))

    def field_names(self) -> set[str]:
        """Every model field path a column orders by (tests check none is encrypted)."""
        return {f.name if isinstance(f, F) else f for fields in self.columns.values() for f in fields}


@dataclass(frozen=True)
class Sort:
    order: SortOrder
    key: str
    descending: bool
    asked: str  # the valid `sort` value of the request, "" when the default applies

    def order_by(self) -> list[str | OrderBy]:
        fields = self.order.columns[self.key]
        terms: list[str | OrderBy] = [self._term(f) for f in fields]
        last = fields[-1]
        if not (isinstance(last, str) and last in self.order.unique):
            terms.append("-pk" if self.descending else "pk")
        return terms

    def _term(self, f: Field) -> str | OrderBy:
        if isinstance(f, F):
            return f.desc(nulls_last=True) if self.descending else f.asc(nulls_last=True)
        return f"-{f}" if self.descending else f

    def apply(self, queryset: QuerySet) -> QuerySet:
        return queryset.order_by(*self.order_by())

    def value_for(self, key: str) -> str:
        """The `sort` value a column's header links to: the other direction when it is the sorted
        column, ascending otherwise."""
        if key == self.key:
            return key if self.descending else f"-{key}"
        return key

    def direction_of(self, key: str) -> str:
        """"ascending", "descending" or "" (aria-sort's words)."""
        if key != self.key:
            return ""
        return "descending" if self.descending else "ascending"

    def query_for(self, query: QueryDict, key: str) -> str:
        """The query string of a column's header link: the filters kept, the page dropped (a new
        order starts on page 1)."""
        query = query.copy()
        query.pop("page", None)
        query[SORT_PARAM] = self.value_for(key)
        return query.urlencode()
