"""End to end in headless Chromium: the department scans, a unit rectifies, the department verifies.

xuan (党委宣传部) opens 合规检查 and clicks 立即扫描: 化工学院官微 has not posted since it opened, so DUT 第十二条
holds. chem_op (化工学院) opens the finding and reports the rectification; a second department user verifies
it and the finding is 核验通过已关闭. Nobody verifies a rectification they reported themselves.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from mediagov.compliance.models import Finding, FindingState
from mediagov.org.models import Role

from ..compliance.builders import live_account
from ..conftest import make_user
from .test_filing_browser import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scan_rectify_verify(live_server, world, browser_page):
    page, base = browser_page, live_server.url
    live_account(world, "化工学院官微", created_on=date(2024, 1, 1))
    make_user("xuan2", "宣传部李老师", (world.dut, Role.PROPAGANDA, None))

    # The department scans from the overview.
    log_in(page, base, "xuan")
    page.locator("nav").get_by_role("link", name="合规检查").click()
    page.click("#scan-now")
    expect(page.locator(".alert-success")).to_be_visible()
    page.get_by_role("link", name=re.compile("个月未更新")).first.click()
    expect(page).to_have_url(re.compile(r"/compliance/findings/\d+/$"))
    expect(page.locator("body")).to_contain_text("《大连理工大学新媒体管理办法》第十二条")
    expect(page.locator("body")).to_contain_text("关停并到党委宣传部、新闻中心注销备案")
    finding_url = page.url
    log_out(page)

    # The unit reports what it did.
    log_in(page, base, "chem_op")
    page.goto(finding_url)
    page.locator("textarea[name=description]").fill("已恢复更新，每周至少发布两篇")
    page.click("#rectify")
    expect(page.locator("body")).to_contain_text("已整改待核验")
    expect(page.locator("#verify")).to_have_count(0)  # the unit cannot verify
    log_out(page)

    # Another department user verifies.
    log_in(page, base, "xuan2")
    page.goto(finding_url)
    page.locator("#verify-note").fill("抽查属实")
    page.click("#verify")
    expect(page.locator("body")).to_contain_text("核验通过已关闭")
    assert page.js_errors == []

    finding = Finding.objects.get(pk=int(finding_url.rstrip("/").split("/")[-1]))
    assert finding.state == FindingState.CLOSED
    assert finding.rectified_by == world.chem_op and finding.closed_by.username == "xuan2"
