"""End to end in headless Chromium: 先审后发, from a draft with a blocking term to approval by two levels.

chem_op (化工学院 operator) writes a draft for 化工学院官微 that contains 内部资料 (涉密信息 in the demo lexicon,
which blocks publishing), prechecks it and submits it: the term is marked in the text. chem_resp (直接责任人,
初审) finds it on the dashboard, tries to approve it without the override and is refused in Chinese, then
approves it with the override and a reason. chem_party (二级党组织, 复审) approves it the same way: the draft
is 审核通过（可发布）.
"""

import re

import pytest
from playwright.sync_api import expect

from mediagov.screening.models import ContentReview, DecisionKind, ReviewState

from ..screening.conftest import rw  # noqa: F401 - the fixture
from .test_filing_browser import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def approve(page, reason=None):
    form = page.locator("#decide-form")
    expect(form).to_be_visible()
    form.get_by_label("同意发布", exact=True).check()
    if reason is not None:
        form.get_by_label("确认放行阻止发布的命中").check()
        form.locator("textarea[name=override_reason]").fill(reason)
    page.click("#sign")


def test_draft_with_a_blocking_term_is_overridden_and_approved_by_two_levels(
    live_server,
    rw,  # noqa: F811
    browser_page,
):
    page, base = browser_page, live_server.url

    # chem_op writes the draft, prechecks it and submits it.
    log_in(page, base, "chem_op")
    page.locator("#nav-reviews").click()
    page.locator("#new-review").click()
    expect(page.locator("h1")).to_have_text("撰写稿件（先审后发）")
    page.select_option("#id_account", value=str(rw.chem.pk))
    page.fill("#id_title", "化工学院学术报告会通知")
    page.fill("#id_body", "本周五举办学术报告会，会议材料为内部资料，欢迎师生参加。")
    page.click("#precheck-button")
    expect(page.locator("#precheck mark.screening-block")).to_have_text("内部资料")
    page.click("#submit")
    expect(page).to_have_url(re.compile(r"/screening/reviews/\d+/$"))
    expect(page.locator("[role=alert]")).to_contain_text("已提交审核")
    expect(page.locator("#review-state")).to_have_text("审核中")
    expect(page.locator("#blocking-count")).to_have_text("1处阻止发布")
    mark = page.locator(".review-text mark.screening-block")
    expect(mark).to_have_text("内部资料")
    expect(mark).to_have_attribute("title", re.compile("涉密信息"))
    expect(page.locator("#decide-form")).to_have_count(0)  # nobody reviews their own draft
    review_url = page.url
    log_out(page)

    # chem_resp finds it on the dashboard; approving without the override is refused, with the reason.
    log_in(page, base, "chem_resp")
    page.locator("#todo-reviews").get_by_role("link", name="化工学院学术报告会通知").click()
    expect(page).to_have_url(review_url)
    expect(page.locator("#override-box")).to_be_visible()
    approve(page)
    refusal = page.locator("[role=alert]")
    expect(refusal).to_contain_text("筛查发现1处阻止发布的内容：“内部资料”（涉密信息）")
    expect(refusal).to_contain_text("同意发布须勾选“确认放行”并填写放行理由")
    expect(page.locator("#review-state")).to_have_text("审核中")
    approve(page, reason="系会议通知中的提示语，并非涉密材料本身")
    expect(page.locator("[role=alert]")).to_contain_text("已签署“初审（直接责任人）”")
    first = page.locator("#decisions tbody tr").nth(0)
    expect(first).to_contain_text("同意发布")
    expect(first).to_contain_text("确认放行")
    expect(first).to_contain_text("放行理由：系会议通知中的提示语，并非涉密材料本身")
    expect(page.locator("#decide-form")).to_have_count(0)  # one person, one level
    log_out(page)

    # chem_party decides the second level from the 待我审核 tab.
    log_in(page, base, "chem_party")
    page.locator("#nav-reviews").click()
    expect(page.locator(".nav-tabs .active")).to_have_text("待我审核")
    page.locator("#review-table").get_by_role("link", name="化工学院学术报告会通知").click()
    expect(page).to_have_url(review_url)
    approve(page, reason="已核实，同意发布")
    expect(page.locator("[role=alert]")).to_contain_text("已签署“复审（二级党组织，第一责任人）”")
    expect(page.locator("#review-state")).to_have_text("审核通过（可发布）")
    expect(page.locator("#decide-form")).to_have_count(0)
    expect(page.locator("#decisions tbody tr")).to_have_count(2)
    assert page.js_errors == []

    review = ContentReview.objects.get(title="化工学院学术报告会通知")
    assert review.state == ReviewState.APPROVED
    decisions = list(review.current_decisions())
    assert [(d.decision, d.override, d.reviewer) for d in decisions] == [
        (DecisionKind.APPROVED, True, rw.chem_resp),
        (DecisionKind.APPROVED, True, rw.w.chem_party),
    ]
