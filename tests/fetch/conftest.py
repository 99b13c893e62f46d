from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fetch.pageserver import PageServer


@pytest.fixture
def pages() -> Iterator[PageServer]:
    with PageServer().running() as server:
        yield server
