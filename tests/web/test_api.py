"""The JSON API: the public directory of organizations and its OpenAPI document."""
from __future__ import annotations


def test_lists_organizations_with_filters_and_paging(client, make_org):
    make_org(name="Biblioteka", sector="public", municipality="Tczew")
    make_org(name="OSP Gniew", sector="ngo", municipality="Gniew")
    body = client.get("/api/v1/organizations").json
    assert [o["name"] for o in body["items"]] == ["Biblioteka", "OSP Gniew"]
    assert body["total"] == 2 and body["page"] == 1
    body = client.get("/api/v1/organizations?sector=ngo").json
    assert [o["name"] for o in body["items"]] == ["OSP Gniew"]
    body = client.get("/api/v1/organizations?municipality=Tczew&per_page=1").json
    assert [o["name"] for o in body["items"]] == ["Biblioteka"] and body["per_page"] == 1


def test_contact_details_only_when_public(client, make_org):
    private = make_org(contact_email="ukryty@example.org")
    public = make_org(contact_email="jawny@example.org", is_contact_public=True)
    assert "contact" not in client.get(f"/api/v1/organizations/{private.id}").json
    assert client.get(f"/api/v1/organizations/{public.id}").json["contact"]["email"] == "jawny@example.org"
    assert "ukryty@example.org" not in client.get("/api/v1/organizations").get_data(as_text=True)


def test_unknown_organization_is_a_json_404(client):
    response = client.get("/api/v1/organizations/12345")
    assert response.status_code == 404 and response.json["error"] == "not_found"


def test_openapi_document_describes_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    documented = set(document["paths"])
    import re

    routes = {re.sub(r"<int:(\w+)>", r"{\1}",
                     re.sub(r"<[^>]*:(?:org_id|listing_id|token_id|contract_id|event_id|search_id)>", "{id}",
                            re.sub(r"<any\([^)]*\):action>", "{action}", rule.rule)))
              .removeprefix("/api/v1")
              for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"}
    assert routes == documented
