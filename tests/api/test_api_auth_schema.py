"""Authentication on every endpoint, the OpenAPI schema and the offline Swagger UI."""

import base64
import json

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

from tests.registry.factories import file_new, register

pytestmark = pytest.mark.django_db

API_PATHS = {
    "/api/accounts/",
    "/api/accounts/{id}/",
    "/api/filings/",
    "/api/filings/{id}/",
    "/api/filings/{id}/decide/",
    "/api/filings/{id}/submit/",
    "/api/filings/{id}/withdraw/",
}
SWAGGER_BUNDLE = "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"


def test_anonymous_is_refused_everywhere(world, client_for):
    filing = file_new(world, register(world))
    anon = client_for()
    gets = [
        "/api/",
        "/api/accounts/",
        f"/api/accounts/{filing.account_id}/",
        "/api/filings/",
        f"/api/filings/{filing.pk}/",
        "/api/schema/",
        "/api/docs/",
    ]
    for url in gets:
        assert anon.get(url).status_code in (401, 403), url
    for verb in ("decide", "submit", "withdraw"):
        response = anon.post(f"/api/filings/{filing.pk}/{verb}/", {"decision": "approved"}, format="json")
        assert response.status_code in (401, 403), verb
    assert anon.get("/api/accounts/").json()["detail"] == "身份认证信息未提供。"


def test_basic_authentication_works_and_wrong_password_does_not(world, client_for):
    register(world, unit=world.mech, name="机械工程学院", user=world.mech_op, direct_responsible=world.p_mech)
    api = client_for()

    def basic(password):
        token = base64.b64encode(f"mech_op:{password}".encode()).decode()
        return api.get("/api/accounts/", HTTP_AUTHORIZATION=f"Basic {token}")

    response = basic("pw-mech_op")
    assert response.status_code == 200 and response.json()["count"] == 1
    assert basic("wrong").status_code in (401, 403)


def test_schema_is_valid_openapi_with_the_paths(world, client_for):
    response = client_for(world.chem_op).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert schema["openapi"].startswith("3.")
    assert API_PATHS <= set(schema["paths"])
    decide = schema["paths"]["/api/filings/{id}/decide/"]["post"]
    assert {"200", "400", "403", "404"} <= set(decide["responses"])
    assert schema["paths"]["/api/filings/{id}/"]["get"]["parameters"][0]["schema"]["type"] == "integer"


def test_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/filings/{id}/decide/" in out.read_text(encoding="utf-8")


def test_docs_page_uses_the_sidecar_assets(world, client_for):
    response = client_for(world.chem_op).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/static/{SWAGGER_BUNDLE}" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in html
    assert "/api/schema/" in html
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com"):
        assert cdn not in html
    assert finders.find(SWAGGER_BUNDLE), "the sidecar ships the Swagger UI bundle"
    assert client_for().get(f"/static/{SWAGGER_BUNDLE}").status_code == 200  # served locally, offline
