"""Fixtures for the gazetteer tests: the real seed data, loaded once."""

import pytest

from directory.places.gazetteer import Gazetteer, get_gazetteer


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return get_gazetteer()
