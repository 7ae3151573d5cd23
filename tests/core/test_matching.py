"""The matching core over plain data: each score component, the ranking, the index, quality."""
from __future__ import annotations

from datetime import date

import pytest

from exchange.matching import MatchIndex, make_item
from exchange.matching.evaluation import evaluate
from exchange.matching.scoring import (capacity_fit, category_fit, conflicting, dates_overlap,
                                       distance_fit, quantity_fit)

TCZEW = {"municipality": "Tczew", "latitude": 54.092, "longitude": 18.778}
GDANSK = {"municipality": "Gdańsk", "latitude": 54.352, "longitude": 18.646}


def offer(id, title, description="", org=100, category="rooms", **kw):
    return make_item(id=id, organization_id=org, kind="offer", category=category, title=title,
                     description=description, **{**TCZEW, **kw})


def need(title, description="", org=1, category="rooms", **kw):
    return make_item(id=1000, organization_id=org, kind="need", category=category, title=title,
                     description=description, **{**TCZEW, **kw})


def test_category_fit_prefers_the_same_then_related_categories():
    assert category_fit(need("x", category="rooms"), offer(1, "x", category="rooms")) == 1
    related = category_fit(need("x", category="computer_labs"), offer(1, "x", category="it_services"))
    assert 0 < related < 1
    assert category_fit(need("x", category="catering"), offer(1, "x", category="computer_labs")) == 0


def test_distance_same_municipality_first_then_by_kilometres():
    here, _ = distance_fit(need("x"), offer(1, "x"))
    far, km = distance_fit(need("x"), offer(2, "x", **GDANSK))
    assert here == 1 and 25 < km < 35 and far < 0.5


def test_dates_must_overlap_when_both_say_when():
    december = {"available_from": date(2027, 12, 1), "available_until": date(2027, 12, 20)}
    summer = {"available_from": date(2027, 6, 1), "available_until": date(2027, 9, 15)}
    assert dates_overlap(need("x", **december), offer(1, "x", **summer)) is False
    assert dates_overlap(need("x", **december), offer(1, "x"))  # an offer open all year
    assert dates_overlap(need("x"), offer(1, "x", **summer)) is None
    assert dates_overlap(need("x", available_from=date(2027, 7, 1)), offer(1, "x", **summer))


def test_capacity_comes_from_the_text():
    big = need("Sala na konferencję dla 100 osób")
    assert big.capacity == 100
    assert capacity_fit(big, offer(1, "Sala widowiskowa na 120 osób")) == 1
    assert capacity_fit(big, offer(2, "Sala kameralna na 30 osób")) < 0.5
    assert capacity_fit(big, offer(3, "Sala")) is None


def test_quantity_fits_when_units_agree():
    four_hours = need("x", quantity=4, unit="hours")
    assert quantity_fit(four_hours, offer(1, "x", quantity=10, unit="hours")) == 1
    assert quantity_fit(four_hours, offer(1, "x", quantity=2, unit="hours")) == 0.5
    assert quantity_fit(four_hours, offer(1, "x", quantity=2, unit="days")) is None


def test_people_are_not_carried_in_a_delivery_van():
    trip = need("Wyjazd seniorów nad morze", category="transport")
    assert conflicting(trip, offer(1, "Samochód dostawczy do przewozu towarów", category="transport"))
    assert not conflicting(trip, offer(2, "Bus 9-osobowy z kierowcą", category="transport"))


def test_inflection_and_missing_diacritics_still_meet():
    index = MatchIndex()
    index.add(offer(1, "Świetlica wiejska z kuchnią"))
    index.add(offer(2, "Pracownia ceramiczna"))
    [best, *_] = index.offers_for(need("Szukamy swietlicy na spotkania"))
    assert best.offer_id == 1


def test_meaning_not_only_letters():
    index = MatchIndex()
    index.add(offer(1, "Hala sportowa – popołudnia i soboty"))
    index.add(offer(2, "Sala konferencyjna z rzutnikiem"))
    [best, *_] = index.offers_for(need("Miejsce na turniej futsalu dla młodzieży"))
    assert best.offer_id == 1
    reasons = {m.text for m in best.reasons}
    assert "same category: %(category)s" in reasons and "both in %(place)s" in reasons


def test_never_proposes_own_offers_exhausted_offers_or_disjoint_dates():
    index = MatchIndex()
    index.add(offer(1, "Sala na 50 osób", org=1))                   # the need's own organization
    index.add(offer(2, "Sala na 50 osób", remaining=0))
    index.add(offer(3, "Sala na 50 osób", available_until=date(2027, 1, 31)))
    index.add(offer(4, "Sala na 50 osób"))
    matches = index.offers_for(need("Sala na zebranie", available_from=date(2027, 3, 1)))
    assert [m.offer_id for m in matches] == [4]


def test_reciprocity_is_a_reason():
    index = MatchIndex()
    index.add(offer(1, "Sala na spotkania", org=100))
    index.add(make_item(id=2, organization_id=100, kind="need", category="promotion",
                        title="Promocja festynu", **TCZEW))
    index.add(offer(3, "Newsletter do 4000 odbiorców", org=1, category="promotion"))
    [best] = index.offers_for(need("Sala na spotkanie", org=1))
    assert "they also need what you offer" in {m.text for m in best.reasons}


def test_the_index_follows_changes():
    index = MatchIndex()
    index.add(offer(1, "Sala gimnastyczna"))
    assert index.offers_for(need("sala gimnastyczna"))
    index.add(offer(1, "Catering na 50 osób", category="catering"))   # edited
    assert index.offers_for(need("sala gimnastyczna")) == []
    index.remove(1)
    assert len(index) == 0 and index.offers_for(need("catering", category="catering")) == []


def test_needs_for_an_offer():
    index = MatchIndex()
    index.add(make_item(id=5, organization_id=7, kind="need", category="transport",
                        title="Bus na wycieczkę seniorów", **TCZEW))
    index.add(make_item(id=6, organization_id=8, kind="need", category="catering",
                        title="Ciasta na festyn", **TCZEW))
    bus = offer(1, "Bus 9-osobowy z kierowcą", category="transport")
    assert [m.need_id for m in index.needs_for(bus)] == [5]


@pytest.mark.parametrize("metric, floor", [("precision@1", 0.80), ("recall@5", 0.83), ("mrr", 0.86)])
def test_quality_on_the_labelled_set_does_not_fall(metric, floor):
    """Floors are the figures reached (bench/matching_quality.py); raise them as they improve."""
    assert evaluate()[metric] >= floor
