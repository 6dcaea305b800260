"""Names with typos inside the operator's scope (issue 18): a close match among the
names the operator may see, "did you mean" when two are about as close, and a name
outside the scope read exactly like a name that does not exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from services.understanding import Intent, NameLookup, parse
from services.understanding.names import Named, NameIndex, NameMatch

TODAY = dt.date(2026, 11, 23)
NETWORK = [Named("p-fabrikam", "Fabrikam IT", "partner"),
           Named("p-fabrikum", "Fabrikum Solutions", "partner"),
           Named("p-northwind", "Northwind Solutions", "partner"),
           Named("p-tailspin", "Tailspin Toys", "partner")]
INDEX = NameIndex.build(NETWORK)


def scoped(visible: set[str]) -> NameLookup:
    """A resolver that keeps what this operator may see, as the directory's does."""
    async def resolve(tokens: Sequence[str], anchors: Sequence[int]) -> list[NameMatch]:
        return [m for m in INDEX.match(tokens, anchors) if m.item.id in visible]
    return resolve


async def test_a_misspelt_name_in_scope_finds_it() -> None:
    query = await parse("clients de Fabrikan", "fr", TODAY, scoped({"p-fabrikam"}))
    assert query.intent == Intent.LIST and query.filters.parent == "p-fabrikam"
    query = await parse("licences of northwnd solutions", "en", TODAY,
                        scoped({"p-northwind"}))
    assert query.subject == "p-northwind"


async def test_two_close_names_in_scope_ask_which_one() -> None:
    query = await parse("customers of Fabrikom", "en", TODAY,
                        scoped({"p-fabrikam", "p-fabrikum"}))
    assert query.intent == Intent.CLARIFY and query.unaccounted == ("Fabrikom",)
    assert {s.split(" of ", 1)[1] for s in query.suggestions} == {
        "Fabrikam IT", "Fabrikum Solutions"}


async def test_a_close_name_outside_the_scope_is_never_suggested() -> None:
    """Only Fabrikam IT is visible: no 'did you mean Fabrikum', the typo finds it."""
    query = await parse("customers of Fabrikom", "en", TODAY, scoped({"p-fabrikam"}))
    assert query.suggestions == () and query.filters.parent == "p-fabrikam"


async def test_a_name_outside_the_scope_reads_like_one_that_does_not_exist() -> None:
    outside = await parse("customers of Tailspin Toys", "en", TODAY, scoped({"p-fabrikam"}))
    missing = await parse("customers of Globex Toys", "en", TODAY, scoped({"p-fabrikam"}))
    assert outside.unknown_name == "Tailspin Toys" and missing.unknown_name == "Globex Toys"
    assert (outside.intent, outside.filters, outside.suggestions) == (
        missing.intent, missing.filters, missing.suggestions)
