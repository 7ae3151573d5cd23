"""Schemathesis throws generated requests at every API operation: no answer may be a server error
or disagree with the OpenAPI document."""
from __future__ import annotations

import schemathesis
from schemathesis.checks import positive_data_acceptance
from hypothesis import HealthCheck, given, settings

from tests.conftest import TEST_PASSWORD

FUZZ = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


def test_the_api_keeps_its_promises(app, client, make_user, make_org, session, now):
    from exchange.core.listings import create_listing

    user = make_user("fuzz@example.org")
    org = make_org(user, name="Fundacja Testowa")
    create_listing(session, user, org.id, {"kind": "offer", "category": "rooms", "title": "Sala",
                                           "quantity": 3, "unit": "hours"}, now)
    session.commit()
    token = client.post("/api/v1/tokens", json={"email": "fuzz@example.org",
                                                "password": TEST_PASSWORD}).json["token"]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9

    for operation in operations:
        @FUZZ
        @given(case=operation.as_strategy())
        def check(case):
            # Business rules (an expiry date in the past, half a pair of coordinates) are
            # refused with 422 although the schema alone cannot say so.
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                                   excluded_checks=[positive_data_acceptance])

        check()
