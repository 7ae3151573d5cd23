"""Every page each role may open, in a real browser on the narrowest common phone (360 px),
in Polish: none is wider than the screen, its header is one line, and axe-core finds no
serious or critical accessibility violation. The pages and who may open them come from the access matrix
(tests/web/test_access.py), so a new page is visited as soon as it has its row there."""
from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD
from tests.web.test_access import MATRIX, ROLES, world  # noqa: F401 (the world fixture)

pytestmark = pytest.mark.e2e

EMAILS = {"outsider": "outsider@example.org", "member": "member@example.org",
          "owner": "owner@example.org", "admin": "admin@example.org"}
# Not pages: files, feeds, the API, the board's data, the login form's own refusals.
NOT_PAGES = ("/api/", ".csv", ".xlsx", ".json", ".ics", ".png", ".svg", "/board/data",
             "/desk/queue", "/logout")


def pages_for(role: str, w) -> list[str]:
    found = set()
    for (endpoint, method), (url, _data, expected) in MATRIX.items():
        if method != "GET" or expected[role] != 200:
            continue
        path = url(w)
        if not any(part in path for part in NOT_PAGES):
            found.add(path)
    return sorted(found)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_is_wider_than_a_phone_nor_fails_axe(live_server, browser, world, role):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="pl-PL",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    if role != "anonymous":
        page.goto(live_server + "/login")
        page.get_by_label("E-mail").fill(EMAILS[role])
        page.get_by_label("Hasło").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_url(live_server + "/")
    axe, problems, visited = Axe(), [], 0
    for path in pages_for(role, world):
        answer = page.request.get(live_server + path)
        if "text/html" not in answer.headers.get("content-type", "") or \
                "attachment" in answer.headers.get("content-disposition", ""):
            continue
        page.goto(live_server + path)
        visited += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            problems.append(f"{path}: {width} px wide")
        header = page.evaluate("document.querySelector('.site-header')?.offsetHeight || 0")
        if header > 80:  # one line: the brand, the language, the Menu button
            problems.append(f"{path}: a header {header} px tall")
        result = axe.run(page)
        for violation in result.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                problems.append(f"{path}: {violation['id']} ({violation['impact']}) at "
                                f"{[n['target'] for n in violation['nodes']][:3]}")
    context.close()
    assert visited >= 3, "the matrix gave this role hardly any page"
    assert problems == [], "\n".join(problems)
