import pytest

from mediagov.workdays.services import calendar_cache_clear


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar_cache_clear()
    yield
    calendar_cache_clear()
