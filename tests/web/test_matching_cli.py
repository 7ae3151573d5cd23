"""Brokers' commands: rebuild the matching and export proposals or the cleared set."""
from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select


def test_rebuild_and_export_the_demo_county(runner):
    runner.invoke(args=["load-demo-data"])
    rebuilt = runner.invoke(args=["matching", "rebuild"])
    assert rebuilt.exit_code == 0 and "open listings" in rebuilt.output
    rows = json.loads(runner.invoke(args=["matching", "export", "--format", "json"]).output)
    assert rows and {"need_id", "need_ref", "need_title", "offer_id", "offer_title", "giver",
                     "receiver", "score", "reasons"} <= rows[0].keys()
    assert all(r["giver"] != r["receiver"] for r in rows)

    cleared = runner.invoke(args=["matching", "export", "--format", "csv", "--clearing"])
    assert cleared.exit_code == 0, cleared.output
    table = list(csv.DictReader(io.StringIO(cleared.output)))
    needs = [r["need_id"] for r in table]
    assert len(needs) == len(set(needs))  # a need is met once
    # The demo plants a three-party cycle: it is cleared as one exchange, arrows in order.
    cycles = [r for r in table if r["type"] == "cycle"]
    assert cycles, "the demo's cycle should be cleared"
    first = [r for r in cycles if r["exchange"] == cycles[0]["exchange"]]
    assert [r["step"] for r in first] == [str(i) for i in range(1, len(first) + 1)]
    assert first[0]["receiver"] == first[1]["giver"]


def test_export_for_an_event_keeps_to_its_listings(runner, session):
    from exchange.core import events
    from models import ExchangeEvent

    runner.invoke(args=["load-demo-data"])
    session.rollback()
    event = session.scalar(select(ExchangeEvent))
    brought = {x.id for x in events.event_listings(session, event)}
    for flag in ([], ["--clearing"]):
        result = runner.invoke(args=["matching", "export", "--format", "json", "--event",
                                     str(event.id), *flag])
        assert result.exit_code == 0, result.output
        rows = json.loads(result.output)
        assert rows and all(r["need_id"] in brought and r["offer_id"] in brought for r in rows)
    everything = json.loads(runner.invoke(args=["matching", "export", "--format", "json"]).output)
    assert any(r["need_id"] not in brought for r in everything)
    missing = runner.invoke(args=["matching", "export", "--event", "999999"])
    assert missing.exit_code != 0 and "There is no event 999999" in missing.output
