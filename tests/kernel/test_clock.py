"""The one clock: today() and now() are the real date and time, or the as-at date where
TRACKER_AS_AT is set, now() keeping the time of day."""

import datetime
import zoneinfo

from django.utils import timezone

from actionplans.kernel import clock

LONDON = zoneinfo.ZoneInfo("Europe/London")
AS_AT = datetime.date(2021, 11, 4)


def test_today_is_the_as_at_date_when_one_is_set(settings, monkeypatch):
    settings.TRACKER_AS_AT = AS_AT
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2030, 1, 1))
    assert clock.today() == AS_AT


def test_today_is_the_local_date_without_an_as_at_date(settings, monkeypatch):
    settings.TRACKER_AS_AT = None
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2030, 1, 1))
    assert clock.today() == datetime.date(2030, 1, 1)


def test_now_is_the_local_moment_without_an_as_at_date(settings, monkeypatch):
    settings.TRACKER_AS_AT = None
    moment = datetime.datetime(2030, 7, 15, 14, 35, 7, 123456, tzinfo=LONDON)
    monkeypatch.setattr(timezone, "localtime", lambda: moment)
    assert clock.now() == moment


def test_now_keeps_the_time_of_day_on_the_as_at_date(settings, monkeypatch):
    settings.TRACKER_AS_AT = AS_AT
    monkeypatch.setattr(timezone, "localtime", lambda: datetime.datetime(2030, 7, 15, 14, 35, 7, 123456, tzinfo=LONDON))
    now = clock.now()
    assert (now.date(), now.time()) == (AS_AT, datetime.time(14, 35, 7, 123456))
    # 14:35 on a November day in London is GMT, though the real moment was in summer time.
    assert now.tzinfo == LONDON and now.utcoffset() == datetime.timedelta(0)
    assert clock.today() == now.date()


def test_the_real_clock_is_used_when_nothing_is_set(settings):
    settings.TRACKER_AS_AT = None
    before = timezone.localtime()
    now = clock.now()
    assert before <= now <= timezone.localtime()
    assert clock.today() in (before.date(), timezone.localdate())
