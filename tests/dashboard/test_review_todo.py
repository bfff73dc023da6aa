"""先审后发 on the dashboard: the drafts waiting for my decision at my level, and my drafts returned to me.

The people and accounts are the screening tests' `rw` (tests/screening/conftest.py): chem_op writes for
化工学院官微; chem_resp (直接责任人) decides 初审; chem_party (二级党组织) 复审.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mediagov.dashboard.selectors import todo_for
from mediagov.screening.models import DecisionKind
from mediagov.screening.reviews import (
    content_review_create,
    content_review_decide,
    content_review_submit,
    reviews_to_decide,
)
from tests.screening.conftest import rw  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
URL = "/dashboard/"


def submitted(account, author, title, at, body="学院举办学术报告会，欢迎师生参加。"):
    with time_machine.travel(at, tick=False):
        review = content_review_create(account=account, user=author, title=title, body=body)
        return content_review_submit(review=review, user=author)


def titles(items) -> list[str]:
    return [item.review.title for item in items]


def todo(user, institution):
    return todo_for(user, institution, TODAY.date())


def test_drafts_wait_for_the_holder_of_the_current_level_oldest_first(rw):  # noqa: F811
    w = rw.w
    submitted(rw.chem, w.chem_op, "后提交的稿件", datetime(2026, 3, 9, 15, 0, tzinfo=SHANGHAI))
    first = submitted(rw.chem, w.chem_op, "先提交的稿件", datetime(2026, 3, 9, 8, 0, tzinfo=SHANGHAI))
    submitted(rw.acc, w.acc_op, "会计学院稿件", datetime(2026, 3, 9, 8, 0, tzinfo=SHANGHAI))

    items = todo(rw.chem_resp, w.dut).reviews_to_decide
    assert titles(items) == ["先提交的稿件", "后提交的稿件"]
    assert items[0].level.label == "初审（直接责任人）"
    assert items[0].citation == "《大连理工大学新媒体管理办法》第七条"
    # The same read as the review list's 待我审核 tab: one definition of "who may decide now".
    assert set(titles(items)) == {r.title for r in reviews_to_decide(rw.chem_resp)}
    # Not the second level yet, not the author, not another unit or institution.
    for user in (w.chem_party, w.chem_op, w.mech_head, w.xuan):
        assert todo(user, w.dut).reviews_to_decide == []
    assert titles(todo(rw.acc_resp, w.yufe).reviews_to_decide) == ["会计学院稿件"]
    assert todo(rw.acc_resp, w.dut).reviews_to_decide == []

    content_review_decide(review=first, user=rw.chem_resp, decision=DecisionKind.APPROVED)
    assert titles(todo(rw.chem_resp, w.dut).reviews_to_decide) == ["后提交的稿件"]
    items = todo(w.chem_party, w.dut).reviews_to_decide
    assert titles(items) == ["先提交的稿件"]
    assert items[0].level.label == "复审（二级党组织，第一责任人）"


def test_the_author_sees_drafts_returned_for_changes(rw):  # noqa: F811
    w = rw.w
    review = submitted(rw.chem, w.chem_op, "需要修改的稿件", datetime(2026, 3, 9, 8, 0, tzinfo=SHANGHAI))
    submitted(rw.chem, w.chem_op, "审核中的稿件", datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI))
    assert todo(w.chem_op, w.dut).reviews_returned == []
    content_review_decide(
        review=review, user=rw.chem_resp, decision=DecisionKind.RETURNED, comment="请核实时间"
    )

    mine = todo(w.chem_op, w.dut)
    assert titles(mine.reviews_returned) == ["需要修改的稿件"]
    assert mine.action_count == 1
    # Only to the author: the reviewer who returned it has nothing left to do on it.
    assert todo(rw.chem_resp, w.dut).reviews_returned == []
    assert titles(todo(rw.chem_resp, w.dut).reviews_to_decide) == ["审核中的稿件"]


def test_the_dashboard_links_each_draft_to_its_review_page(client, rw):  # noqa: F811
    w = rw.w
    blocked = submitted(
        rw.chem,
        w.chem_op,
        "含内部资料的稿件",
        datetime(2026, 3, 9, 8, 0, tzinfo=SHANGHAI),
        body="本文为内部资料。",
    )
    with time_machine.travel(TODAY, tick=False):
        client.force_login(rw.chem_resp)
        html = client.get(URL).content.decode()
        assert 'id="todo-reviews"' in html
        assert f'href="/screening/reviews/{blocked.pk}/"' in html and "含内部资料的稿件" in html
        assert "第1级 初审（直接责任人）" in html and "处阻止发布" in html
        assert 'id="todo-reviews-returned"' not in html

        content_review_decide(
            review=blocked, user=rw.chem_resp, decision=DecisionKind.RETURNED, comment="请删去内部资料"
        )
        html = client.get(URL).content.decode()
        assert "没有等待您审核的稿件" in html

        client.force_login(w.chem_op)
        html = client.get(URL).content.decode()
        assert 'id="todo-reviews-returned"' in html
        assert f'href="/screening/reviews/{blocked.pk}/"' in html and "请按审核意见修改后重新提交" in html


def test_the_number_of_queries_does_not_grow_with_the_drafts(rw):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = rw.w

    def queries(user) -> int:
        with CaptureQueriesContext(connection) as captured:
            todo(user, w.dut)
        return len(captured.captured_queries)

    at = datetime(2026, 3, 9, 8, 0, tzinfo=SHANGHAI)
    submitted(rw.chem, w.chem_op, "稿件0", at)
    for user in (rw.chem_resp, w.xuan):
        queries(user)  # warm the caches (the calendar, the pack)
    one = {user.username: queries(user) for user in (rw.chem_resp, w.xuan)}
    for i in range(1, 6):
        submitted(rw.chem, w.chem_op, f"稿件{i}", at)
    assert len(todo(rw.chem_resp, w.dut).reviews_to_decide) == 6
    assert {user.username: queries(user) for user in (rw.chem_resp, w.xuan)} == one
