"""Open now and next opening, in the location's own time zone."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matcher_factories import EAST_TZ, KINSHASA_TZ

from matching import OpeningHours
from matching.hours import is_open, next_opening, parse_hhmm

MONDAY = datetime(2026, 11, 30, tzinfo=UTC)  # 2026-11-30 is a Monday
WEEKDAYS_9_TO_5 = tuple(OpeningHours(day, "09:00", "17:00") for day in range(5))
NIGHTS = (OpeningHours(4, "22:00", "06:00"), OpeningHours(6, "20:00", "02:00"))


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    """``day`` days after Monday 2026-11-30, at ``hour:minute`` UTC."""
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


@pytest.mark.parametrize(
    ("hours", "tz", "at", "expected"),
    [
        # The same instant, 08:30 UTC on Monday: 09:30 in Kinshasa, 10:30 in Goma.
        (WEEKDAYS_9_TO_5, KINSHASA_TZ, utc(0, 8, 30), True),
        (WEEKDAYS_9_TO_5, EAST_TZ, utc(0, 8, 30), True),
        # 07:30 UTC: 08:30 in Kinshasa (closed), 09:30 in Goma (open).
        (WEEKDAYS_9_TO_5, KINSHASA_TZ, utc(0, 7, 30), False),
        (WEEKDAYS_9_TO_5, EAST_TZ, utc(0, 7, 30), True),
        # 15:30 UTC: 16:30 in Kinshasa (open), 17:30 in Goma (closed).
        (WEEKDAYS_9_TO_5, KINSHASA_TZ, utc(0, 15, 30), True),
        (WEEKDAYS_9_TO_5, EAST_TZ, utc(0, 15, 30), False),
        # Closing time is exclusive, opening time inclusive.
        (WEEKDAYS_9_TO_5, KINSHASA_TZ, utc(0, 16, 0), False),
        (WEEKDAYS_9_TO_5, KINSHASA_TZ, utc(0, 8, 0), True),
        # Saturday is closed.
        (WEEKDAYS_9_TO_5, KINSHASA_TZ, utc(5, 10), False),
        # Friday 22:00-06:00 runs into Saturday morning (Kinshasa = UTC+1).
        (NIGHTS, KINSHASA_TZ, utc(4, 21, 30), True),  # Fri 22:30
        (NIGHTS, KINSHASA_TZ, utc(5, 4, 0), True),  # Sat 05:00
        (NIGHTS, KINSHASA_TZ, utc(5, 5, 0), False),  # Sat 06:00
        (NIGHTS, KINSHASA_TZ, utc(4, 20, 30), False),  # Fri 21:30
        # Sunday 20:00-02:00 wraps into Monday of the next week (and of the same week).
        (NIGHTS, KINSHASA_TZ, utc(0, 0, 30), True),  # Mon 01:30
        (NIGHTS, KINSHASA_TZ, utc(7, 0, 30), True),  # next Mon 01:30
        (NIGHTS, KINSHASA_TZ, utc(0, 1, 0), False),  # Mon 02:00
        # A whole day when closes == opens; "24:00" closes at midnight.
        ((OpeningHours(2, "00:00", "00:00"),), EAST_TZ, utc(2, 21, 59), True),  # Wed 23:59
        ((OpeningHours(2, "00:00", "00:00"),), EAST_TZ, utc(2, 22, 0), False),  # Thu 00:00
        ((OpeningHours(2, "18:00", "24:00"),), EAST_TZ, utc(2, 21, 59), True),
        ((OpeningHours(2, "18:00", "24:00"),), EAST_TZ, utc(2, 22, 0), False),
        # No recorded hours: not known to be open.
        ((), KINSHASA_TZ, utc(0, 10), False),
    ],
)
def test_is_open_in_the_locations_zone(hours, tz, at, expected):
    assert is_open(hours, tz, at) is expected


def test_always_open_ignores_hours():
    assert is_open((), KINSHASA_TZ, utc(5, 3), always_open=True)
    assert is_open(WEEKDAYS_9_TO_5, EAST_TZ, utc(6, 3), always_open=True)
    assert next_opening(WEEKDAYS_9_TO_5, EAST_TZ, utc(6, 3), always_open=True) is None


@pytest.mark.parametrize(
    ("hours", "tz", "at", "expected_local"),
    [
        # Monday 07:30 UTC in Kinshasa is 08:30: opens at 09:00 local the same day.
        (WEEKDAYS_9_TO_5, KINSHASA_TZ, utc(0, 7, 30), datetime(2026, 11, 30, 9, 0)),
        # Friday 17:30 local in Goma: opens Monday 09:00.
        (WEEKDAYS_9_TO_5, EAST_TZ, utc(4, 15, 30), datetime(2026, 12, 7, 9, 0)),
        # Saturday 07:00 local in Kinshasa: the night shift opens Sunday 20:00.
        (NIGHTS, KINSHASA_TZ, utc(5, 6), datetime(2026, 12, 6, 20, 0)),
        # Sunday 03:00 local: Sunday 20:00.
        (NIGHTS, KINSHASA_TZ, utc(6, 2), datetime(2026, 12, 6, 20, 0)),
    ],
)
def test_next_opening_is_local_wall_time(hours, tz, at, expected_local):
    opening = next_opening(hours, tz, at)
    assert opening is not None
    assert opening.tzinfo is not None
    assert opening.replace(tzinfo=None) == expected_local
    assert opening > at


def test_next_opening_is_none_when_open_or_unknown():
    assert next_opening(WEEKDAYS_9_TO_5, KINSHASA_TZ, utc(0, 10)) is None
    assert next_opening((), KINSHASA_TZ, utc(0, 10)) is None


def test_a_place_open_only_once_a_week_reopens_a_week_later():
    hours = (OpeningHours(0, "09:00", "10:00"),)
    opening = next_opening(hours, KINSHASA_TZ, utc(0, 9, 30))  # Mon 10:30 local
    assert opening is not None
    assert opening.replace(tzinfo=None) == datetime(2026, 12, 7, 9, 0)


def test_naive_instant_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        is_open(WEEKDAYS_9_TO_5, KINSHASA_TZ, datetime(2026, 11, 30, 10))


@pytest.mark.parametrize(("text", "seconds"), [("09:30", 34200), ("9:00", 32400), ("24:00", 86400)])
def test_times_parse(text, seconds):
    assert parse_hhmm(text) == seconds


@pytest.mark.parametrize("text", ["09h00", "25:00", "24:01", "09:60", "9:5", "", "ab:cd"])
def test_bad_times_are_refused(text):
    with pytest.raises(ValueError):
        parse_hhmm(text)


def test_bad_weekday_is_refused():
    with pytest.raises(ValueError, match="weekday"):
        is_open((OpeningHours(7, "09:00", "10:00"),), KINSHASA_TZ, utc(0, 10))


TIMES = st.builds(
    lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 15, 30, 45])
)
INTERVALS = st.lists(
    st.builds(OpeningHours, st.integers(0, 6), TIMES, TIMES), min_size=1, max_size=4
).map(tuple)


def brute_force_open(hours, tz, at):
    """Open if some interval, laid out on calendar days around ``at``, contains it."""
    from zoneinfo import ZoneInfo

    local = at.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    for interval in hours:
        for week in (0, 1):  # this week, and last week (overnight into Monday)
            day = local.date() - timedelta(days=local.weekday() - interval.weekday + 7 * week)
            oh, om = map(int, interval.opens.split(":"))
            ch, cm = map(int, interval.closes.split(":"))
            start = datetime(day.year, day.month, day.day, oh, om)
            end = datetime(day.year, day.month, day.day, ch, cm)
            if end <= start:
                end += timedelta(days=1)
            if start <= local < end:
                return True
    return False


@settings(max_examples=150, deadline=None)
@given(
    INTERVALS,
    st.sampled_from([KINSHASA_TZ, EAST_TZ]),
    st.integers(0, 7 * 24 * 4 - 1).map(lambda q: MONDAY + timedelta(minutes=15 * q + 7)),
)
def test_is_open_agrees_with_a_calendar_oracle(hours, tz, at):
    assert is_open(hours, tz, at) == brute_force_open(hours, tz, at)


@settings(max_examples=100, deadline=None)
@given(
    INTERVALS,
    st.sampled_from([KINSHASA_TZ, EAST_TZ]),
    st.integers(0, 7 * 24 * 4 - 1).map(lambda q: MONDAY + timedelta(minutes=15 * q + 7)),
)
def test_next_opening_is_the_first_open_minute(hours, tz, at):
    opening = next_opening(hours, tz, at)
    if is_open(hours, tz, at):
        assert opening is None
        return
    assert opening is not None
    assert at < opening <= at + timedelta(days=7)
    assert is_open(hours, tz, opening)
    # Nothing opens earlier: every quarter hour (the grid of the times) before it is closed.
    probe = opening - timedelta(minutes=15)
    while probe > at:
        assert not is_open(hours, tz, probe)
        probe -= timedelta(minutes=15)
