"""The public pages: reachable without login, no staff navigation, answers in Chinese, rate-limited."""

import pytest

from .conftest import PERSONAL

pytestmark = pytest.mark.django_db


def test_index_lists_institutions_without_login(client, world):
    response = client.get("/public/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/public/dut/" in html and "/public/yufe/" in html
    assert "帐号台账" not in html  # no staff navigation


def test_directory_page_groups_listed_accounts(client, world, published):
    response = client.get("/public/dut/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("化工学院官微", "化工学院微博", "机械学院抖音"):
        assert name in html
    for name in ("化工学院旧号", "机械学院新号", "会计学院官微"):
        assert name not in html
    assert "整改中" in html and "2026-03-01" in html and "已认证" in html
    assert html.index("化工学院官微") < html.index("机械学院抖音")
    filtered = client.get("/public/dut/", {"platform": "douyin"}).content.decode()
    assert "机械学院抖音" in filtered and "化工学院官微" not in filtered
    searched = client.get("/public/dut/", {"q": "微博"}).content.decode()
    assert "化工学院微博" in searched and "机械学院抖音" not in searched


def test_unknown_institution_is_404(client, world):
    assert client.get("/public/nope/").status_code == 404
    assert client.get("/public/nope/verify/").status_code == 404


def test_verify_page_answers(client, world, published):
    def verdict(q):
        response = client.get("/public/dut/verify/", {"q": q})
        assert response.status_code == 200
        return response.content.decode()

    html = verdict("https://weibo.com/1234567890")
    assert 'data-verdict="official"' in html and "是本校备案的官方帐号" in html and "整改中" in html
    html = verdict("化工学院旧号")
    assert 'data-verdict="cancelled"' in html and "已注销" in html
    html = verdict("冒名帐号")
    assert 'data-verdict="not_found"' in html and "未找到备案记录（可能不是官方帐号）" in html
    html = verdict("化工学院官微号")
    assert 'data-verdict="ambiguous"' in html and "化工学院官微" in html
    assert "data-verdict" not in client.get("/public/dut/verify/").content.decode()  # just the form


def test_pages_are_rate_limited_per_address(client, world, published, settings):
    settings.MEDIAGOV_PUBLIC_PAGE_RATE = "3/min"
    for _ in range(3):
        assert client.get("/public/dut/verify/", {"q": "x"}).status_code == 200
    response = client.get("/public/dut/")
    assert response.status_code == 429
    assert "访问过于频繁，请稍后再试" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    # A forged X-Forwarded-For does not give a fresh counter (no proxy is trusted by default).
    assert client.get("/public/dut/", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # Another address has its own counter.
    assert client.get("/public/dut/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_pages_show_no_personal_data(client, world, published):
    pages = [
        client.get("/public/dut/"),
        client.get("/public/dut/verify/", {"q": "化工学院官微"}),
        client.get("/public/dut/verify/", {"q": "化工学院旧号"}),
        client.get("/public/yufe/"),
    ]
    for response in pages:
        html = response.content.decode()
        for value in PERSONAL:
            assert value not in html, value
