from pathlib import Path

import pytest

from mediagov.workdays.services import calendar_cache_clear

DATA = Path(__file__).parent / "data"

# A made-up notice for a year chinese-calendar 1.11 does not cover.
NOTICE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知（测试用，日期为虚构）
YEAR 2027
HOLIDAY 2027-01-01 2027-01-03 元旦 3 (周五至周日)
HOLIDAY 2027-02-06 2027-02-13 春节 8
WORKDAY 2027-02-20 Sat 春节
"""


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture
def holidays_text() -> str:
    """A copy of policies/holidays.txt: the 2025 and 2026 notices."""
    return (DATA / "holidays_2025_2026.txt").read_text(encoding="utf-8")


@pytest.fixture
def notice_2027() -> str:
    return NOTICE_2027
