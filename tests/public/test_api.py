"""The public API: same answers as the pages, no login, public fields only, rate-limited, in the schema."""

import json

import pytest

from .conftest import PERSONAL

pytestmark = pytest.mark.django_db

PUBLIC_FIELDS = {
    "name", "platform", "platform_label", "platform_id", "url", "unit", "status", "status_label", "verified",
    "last_activity",
}  # fmt: skip


def test_directory_without_login(client, world, published):
    response = client.get("/api/public/directory/", {"institution": "dut"})
    assert response.status_code == 200
    body = response.json()
    assert body["institution"]["code"] == "dut" and body["count"] == 3
    assert {a["name"] for a in body["accounts"]} == {"化工学院官微", "化工学院微博", "机械学院抖音"}
    assert all(set(a) == PUBLIC_FIELDS for a in body["accounts"])
    weibo = client.get("/api/public/directory/", {"institution": "dut", "platform": "weibo"}).json()
    assert [a["name"] for a in weibo["accounts"]] == ["化工学院微博"]


def test_institutions_and_bad_requests(client, world):
    assert {i["code"] for i in client.get("/api/public/institutions/").json()} == {"dut", "yufe"}
    response = client.get("/api/public/directory/")
    assert response.status_code == 400 and "institution" in response.json()["detail"]
    assert client.get("/api/public/verify/", {"institution": "nope", "q": "x"}).status_code == 404
    assert client.get("/api/public/verify/", {"institution": "dut"}).status_code == 400


def test_verify_answers(client, world, published):
    def verify(q, institution="dut"):
        response = client.get("/api/public/verify/", {"institution": institution, "q": q})
        assert response.status_code == 200
        return response.json()

    body = verify("https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA4MjEwMDAwMQ==")
    assert body["verdict"] == "official" and body["official"] is True and body["matched_by"] == "url"
    assert body["accounts"][0]["last_activity"] == "2026-03-01"
    assert body["message"] == "是本校备案的官方帐号"
    assert verify("gh_chem000001")["matched_by"] == "platform_id"
    assert verify("化工学院微博")["accounts"][0]["status_label"] == "整改中"
    cancelled = verify("化工学院旧号")
    assert cancelled["verdict"] == "cancelled" and cancelled["accounts"][0]["status_label"] == "已注销"
    assert verify("会计学院官微")["verdict"] == "not_found"  # YUFE's account is not DUT's
    assert verify("会计学院官微", "yufe")["verdict"] == "official"


def test_signed_in_users_need_no_csrf_or_session(client, world, published):
    client.force_login(world.chem_op)
    assert client.get("/api/public/verify/", {"institution": "dut", "q": "化工学院官微"}).status_code == 200


def test_api_is_rate_limited(client, world, published, settings):
    settings.MEDIAGOV_PUBLIC_API_RATE = "2/min"
    for _ in range(2):
        assert client.get("/api/public/institutions/").status_code == 200
    response = client.get("/api/public/verify/", {"institution": "dut", "q": "x"})
    assert response.status_code == 429
    assert response.json()["detail"].startswith("访问过于频繁，请稍后再试")
    assert client.get("/api/public/institutions/", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert client.get("/api/public/institutions/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_api_shows_no_personal_data(client, world, published):
    responses = [
        client.get("/api/public/directory/", {"institution": "dut"}),
        client.get("/api/public/directory/", {"institution": "yufe"}),
        client.get("/api/public/verify/", {"institution": "dut", "q": "化工学院官微"}),
        client.get("/api/public/verify/", {"institution": "dut", "q": "化工学院"}),
    ]
    for response in responses:
        text = response.content.decode()
        for value in PERSONAL:
            assert value not in text, value
        body = response.json()
        for account in body["accounts"]:
            assert set(account) == PUBLIC_FIELDS


def test_schema_documents_the_public_endpoints(client, world):
    client.force_login(world.chem_op)
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    for path in ("/api/public/institutions/", "/api/public/directory/", "/api/public/verify/"):
        assert path in schema["paths"], path
        operation = schema["paths"][path]["get"]
        assert operation.get("security", []) in ([], [{}])  # no authentication
    verify = schema["paths"]["/api/public/verify/"]["get"]
    assert {p["name"] for p in verify["parameters"]} >= {"institution", "q"}
    assert {"200", "400", "404", "429"} <= set(verify["responses"])
