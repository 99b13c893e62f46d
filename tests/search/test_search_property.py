"""The indexed search returns exactly what a plain scan in Python returns."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from markhive.bookmarks.derived import SEARCH_SEPARATOR, fold
from markhive.bookmarks.listing import ListQuery, list_page
from markhive.db.session import Database
from markhive.search.ast import All, And, Keyword, Node, Not, Or, Tag, Term, prune
from markhive.search.count_cache import CountCache
from markhive.search.parser import parse
from tests.search.factory import add_bookmark, add_user, day

LETTERS = "abcAB äÄöß-İ\u03a3\u03c3"
TAGS = ["abc", "Bc", "ä", "ßa"]
users = itertools.count()


@dataclass
class Doc:
    title: str
    description: str
    notes: str
    url: str
    tags: list[str]
    unread: bool

    def fields(self) -> list[str]:
        return [self.title, self.description, self.notes, self.url]


def matches(node: Node, doc: Doc) -> bool:
    if isinstance(node, All):
        return True
    if isinstance(node, Term):
        if SEARCH_SEPARATOR in node.text:
            return False
        return any(node.text in fold(field) for field in doc.fields())
    if isinstance(node, Tag):
        return node.name in {fold(t) for t in doc.tags}
    if isinstance(node, Keyword):
        return doc.unread if node.name == "unread" else not doc.tags
    if isinstance(node, Not):
        return not matches(node.operand, doc)
    if isinstance(node, And):
        return all(matches(op, doc) for op in node.operands)
    assert isinstance(node, Or)
    return any(matches(op, doc) for op in node.operands)


texts = st.one_of(
    st.text(alphabet=LETTERS, max_size=25),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=15),
)
docs = st.builds(
    Doc,
    title=texts,
    description=texts,
    notes=st.sampled_from(["", "abc", "Ärger ÄBC"]),
    url=st.text(alphabet="abcäß/:.", max_size=12).map(lambda s: "https://x/" + s),
    tags=st.lists(st.sampled_from(TAGS), max_size=3, unique=True),
    unread=st.booleans(),
)

words = st.text(alphabet="abcAäÄßİ\u03c3", min_size=1, max_size=5)
phrases = st.text(alphabet=LETTERS + "\"'\\()#!", max_size=6).map(
    lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
)
operands = st.one_of(
    words,
    phrases,
    st.sampled_from([f"#{t}" for t in TAGS] + ["!unread", "!untagged", "!other"]),
)


def combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from([" ", " and ", " or ", " AND ", " Or "]), children).map(
            "".join
        ),
        children.map(lambda q: f"not {q}"),
        children.map(lambda q: f"({q})"),
    )


queries = st.recursive(operands, combine, max_leaves=6)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(documents=st.lists(docs, max_size=8), query=queries)
def test_search_equals_python_scan(database: Database, documents: list[Doc], query: str) -> None:
    node = parse(query)
    assert node is not None, query
    with database.unit() as s:
        user = add_user(s, f"prop{next(users)}")
        ids = [
            add_bookmark(
                s, user, url=f"{d.url}/{n}", title=d.title, description=d.description,
                notes=d.notes, tags=d.tags, unread=d.unread, date_added=day(n % 3),
            )
            for n, d in enumerate(documents)
        ]  # fmt: skip
    pruned = prune(node)
    expected = {i for i, d in zip(ids, documents, strict=True) if matches(pruned, d)}
    q = ListQuery(owner_ids=[user], search=query, limit=1000)
    with database.unit(write=False) as s:
        for plan in ("auto", "walk", "drive"):
            page = list_page(s, q, CountCache(), plan)  # type: ignore[arg-type]
            assert set(page.ids) == expected, (plan, query)
            assert page.count == len(expected)
