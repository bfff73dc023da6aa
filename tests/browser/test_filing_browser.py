"""End to end in headless Chromium: an operator files a new account, two approvers sign, the account runs.

chem_op (化工学院 operator) fills 新建备案 and submits it; chem_party (化工学院二级党组织) finds it under
备案审批 → 待我审批 and signs 同意; xuan (党委宣传部) signs the last step. The filing is 已通过, the account
运营中 and a member of the 新媒体联盟, and the filled-in 备案审批表 downloads.
"""

import re

import pytest
from playwright.sync_api import expect

from mediagov.registry.models import AccountStatus, Filing, FilingState, StepDecision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("nav .navbar-text")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def log_out(page):
    page.locator("nav").get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def sign(page, opinion):
    form = page.locator("#decide-form")
    expect(form).to_be_visible()
    form.get_by_label("同意", exact=True).check()
    form.locator("textarea[name=opinion]").fill(opinion)
    page.click("#sign")
    expect(page.locator(".alert-success")).to_contain_text("已签署")


def test_new_filing_from_form_to_alliance_member(live_server, world, browser_page, tmp_path):
    page, base = browser_page, live_server.url

    # chem_op fills 新建备案 and submits it for approval.
    log_in(page, base, "chem_op")
    page.locator("nav").get_by_role("link", name="新建备案").click()
    expect(page.locator("h1")).to_have_text("新建备案")
    page.fill("#id_name", "化工学院团学")
    page.select_option("#id_platform", label="微信公众号")
    page.fill("#id_platform_id", "gh_chemtuanxue")
    page.fill("#id_owner", "化工学院")
    page.select_option("#id_owner_kind", label="学院/职能部门")
    page.select_option("#id_responsible_unit", label="化工学院")
    page.select_option("#id_direct_responsible", label="张三（10001）")
    page.fill("#id_positioning_content", "学院团学工作动态")
    admin_row = page.locator("#id_form-1-role")
    expect(admin_row).to_have_value("admin")  # rows after the first are 管理员 rows
    page.select_option("#id_form-1-person", label="张三（10001）")
    page.fill("#id_form-1-phone", "0411-84701234")
    page.click("#submit-filing")

    expect(page).to_have_url(re.compile(r"/registry/filings/\d+/$"))
    expect(page.locator(".alert-danger")).to_have_count(0)
    expect(page.locator(".alert-success")).to_contain_text("备案已提交")
    expect(page.locator("#filing-state")).to_have_text("审批中")
    expect(page.locator("#steps tbody tr")).to_have_count(2)
    expect(page.locator("#decide-form")).to_have_count(0)  # nobody decides on their own filing
    filing_url = page.url
    filing = Filing.objects.get(account__name="化工学院团学")
    assert filing.state == FilingState.SUBMITTED and filing.created_by == world.chem_op
    assert filing.account.managers.filter(role="admin", person=world.p_chem).exists()
    log_out(page)

    # chem_party finds it under 备案审批 → 待我审批 and agrees.
    log_in(page, base, "chem_party")
    page.locator("nav").get_by_role("link", name="备案审批").click()
    expect(page.locator(".nav-tabs .active")).to_have_text("待我审批")
    page.locator("#filing-table").get_by_role("link", name="化工学院团学").click()
    expect(page).to_have_url(filing_url)
    sign(page, "同意开设，请做好内容审核")
    expect(page.locator("#filing-state")).to_have_text("审批中")
    first_step = page.locator("#steps tbody tr").nth(0)
    expect(first_step).to_contain_text("同意开设，请做好内容审核")
    expect(first_step).to_contain_text("化工学院党委书记")
    log_out(page)

    # xuan signs the last step: the filing is approved.
    log_in(page, base, "xuan")
    page.goto(filing_url)
    sign(page, "同意")
    expect(page.locator("#filing-state")).to_have_text("已通过")
    expect(page.locator("#steps tbody tr").nth(1)).to_contain_text("宣传部王老师")
    expect(page.locator("#decide-form")).to_have_count(0)

    # The filled-in 备案审批表 downloads with the session's cookies.
    docx_href = page.get_by_role("link", name=re.compile("下载备案审批表")).get_attribute("href")
    response = page.request.get(f"{base}{docx_href}")
    assert response.status == 200, response.status
    assert response.headers["content-type"] == DOCX
    assert response.body()[:2] == b"PK"  # a zip container, as every .docx is

    # The account page: 运营中 and a member of the alliance (DUT 第十七条).
    page.locator("h1").get_by_role("link", name="化工学院团学").click()
    heading = page.locator("h1")
    expect(heading.locator(".status-active")).to_have_text("运营中")
    expect(heading.locator(".badge")).to_have_text("大连理工大学新媒体联盟成员")

    shot = tmp_path / "filing-approved.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0
    assert page.js_errors == []

    filing = Filing.objects.get(pk=filing.pk)
    assert filing.state == FilingState.APPROVED
    assert [s.decision for s in filing.steps.order_by("order")] == [StepDecision.APPROVED] * 2
    assert [s.signed_by for s in filing.steps.order_by("order")] == [world.chem_party, world.xuan]
    filing.account.refresh_from_db()
    assert filing.account.status == AccountStatus.ACTIVE and filing.account.alliance_member
