"""Search: what an agent types, parsed into one typed `Query` (caredesk.search.query) that
every search backend and the API read. Pure: no Django."""

from caredesk.search.query import Filter, Kind, Query, QueryError, Term, parse
from caredesk.search.text import fold

__all__ = ["Filter", "Kind", "Query", "QueryError", "Term", "fold", "parse"]
