"""Opening hours as sheets write them → Njia schedules; anything unclear is kept as text."""

from __future__ import annotations

import pytest

from directory.exchange.spreadsheet.hours import read_hours, to_osm

WEEKDAYS = "Mo,Tu,We,Th,Fr"


@pytest.mark.parametrize(
    ("text", "osm"),
    [
        ("Lun-Ven 8h-16h", f"{WEEKDAYS} 08:00-16:00"),
        ("LUN-VEN 8H-16H", f"{WEEKDAYS} 08:00-16:00"),
        ("du lundi au samedi de 7h30 à 15h", f"{WEEKDAYS},Sa 07:30-15:00"),
        ("Lundi au vendredi de 8 h 30 à 15 h 30", f"{WEEKDAYS} 08:30-15:30"),
        ("Lundi - Vendredi : 08h00 - 16h00", f"{WEEKDAYS} 08:00-16:00"),
        (
            "Lun-Ven 8h-12h et 14h-16h; Sam 8h-12h",
            f"{WEEKDAYS} 08:00-12:00,14:00-16:00; Sa 08:00-12:00",
        ),
        ("Lun-Ven 8h-16h, Sam 8h-12h", f"{WEEKDAYS} 08:00-16:00; Sa 08:00-12:00"),
        (
            "8h-16h du lundi au vendredi, 8h-12h le samedi",
            f"{WEEKDAYS} 08:00-16:00; Sa 08:00-12:00",
        ),
        ("mardi et jeudi 9h-12h", "Tu,Th 09:00-12:00"),
        ("Lun, Mer, Ven 9h-13h", "Mo,We,Fr 09:00-13:00"),
        ("tous les jours 8h-17h", "Mo,Tu,We,Th,Fr,Sa,Su 08:00-17:00"),
        ("7j/7 8h-18h", "Mo,Tu,We,Th,Fr,Sa,Su 08:00-18:00"),
        ("Mon-Fri 8am-4pm", f"{WEEKDAYS} 08:00-16:00"),
        ("08:00-16:00 Lun-Ven", f"{WEEKDAYS} 08:00-16:00"),
    ],
)
def test_written_hours_become_opening_hours(text, osm):
    assert to_osm(text) == osm
    schedule, understood = read_hours(text)
    assert understood and schedule["hours"] and schedule["description"] == ""


@pytest.mark.parametrize(
    "text",
    [
        "24h/24",
        "24h/24 7j/7",
        "24/24",
        "24/7",
        "H24",
        "jour et nuit",
        "24 heures sur 24",
        "24h/24 et 7j/7",
    ],
)
def test_round_the_clock(text):
    schedule, understood = read_hours(text)
    assert understood and schedule["always_open"] and schedule["hours"] == []


@pytest.mark.parametrize(
    "text", ["8h-16h", "Sur rendez-vous", "Lun-Ven 8h-16h (sauf jours fériés)", "Lun-Ven", "25h-3h"]
)
def test_anything_unclear_is_kept_as_text_not_guessed(text):
    schedule, understood = read_hours(text)
    assert not understood
    assert schedule == {"always_open": False, "hours": [], "description": text}


def test_an_empty_cell_is_no_schedule():
    assert read_hours("") == ({"always_open": False, "hours": [], "description": ""}, True)
