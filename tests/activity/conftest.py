import pytest

from .builders import accounts


@pytest.fixture
def w(world):
    """The shared `world` with a few registered accounts (see builders.accounts)."""
    return accounts(world)
