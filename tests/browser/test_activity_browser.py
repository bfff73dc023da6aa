"""In headless Chromium: the institution's activity dashboard draws its ECharts charts, and 导出图片 downloads
the chart as a PNG made in the page (a data URL; nothing is fetched). The account page draws its timeline."""

import base64
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from ..compliance.builders import live_account, posts, report
from .test_filing_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_dashboard_charts_render_and_export_png(live_server, world, browser_page):
    page, base = browser_page, live_server.url
    acc = dict(inst=world.yufe, unit=world.acc, user=world.acc_op)
    account = live_account(world, "会计学院官微", created_on=date(2024, 1, 1), **acc)
    today = date.today()
    longest = (today - timedelta(days=300), today - timedelta(days=100))
    posts(account, [today - timedelta(days=2), *longest])
    first = today.replace(day=1)
    previous = (first - date.resolution).replace(day=1)
    report(account, previous, first)

    log_in(page, base, "yufe_xuan")
    page.locator("nav").get_by_role("button", name="发布与月报").click()
    page.locator("nav").get_by_role("link", name="发布活跃度").click()
    expect(page.locator("h1")).to_contain_text("云南财经大学 · 发布活跃度")
    for chart in ("#chart-posts", "#chart-reports"):
        expect(page.locator(f"{chart} canvas")).to_have_count(1)  # drawn by ECharts
    assert page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-posts')) !== undefined")

    with page.expect_download() as info:
        page.click("#posts-png")
    download = info.value
    assert download.suggested_filename.startswith("各平台每月发布-云南财经大学-")
    assert download.suggested_filename.endswith(".png")
    href = page.locator("#posts-png").get_attribute("href")
    assert href.startswith("data:image/png;base64,")
    image = base64.b64decode(href.split(",", 1)[1])
    assert image.startswith(PNG_MAGIC) and len(image) > 5000

    # The account page draws the account's timeline too.
    page.goto(f"{base}/registry/accounts/{account.pk}/")
    expect(page.locator("#chart-timeline canvas")).to_have_count(1)
    expect(page.locator("#longest-gap")).to_contain_text(
        f"200 天（{longest[0]:%Y-%m-%d} 至 {longest[1]:%Y-%m-%d}）"
    )
    assert page.js_errors == []
