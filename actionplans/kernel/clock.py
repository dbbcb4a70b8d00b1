"""The one clock: what day and time it is in the tracker.

`TRACKER_AS_AT` views the whole app as at another date (the demo is viewed as at the
date of its newest paper); production leaves it unset and sees today.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def today() -> datetime.date:
    """The date the app is viewed as at: settings.TRACKER_AS_AT if set, else today."""
    return settings.TRACKER_AS_AT or timezone.localdate()


def now() -> datetime.datetime:
    """The current moment, on the as-at date where one is set (keeping the time of day)."""
    moment = timezone.localtime()
    as_at = settings.TRACKER_AS_AT
    if as_at is None:
        return moment
    return moment.replace(year=as_at.year, month=as_at.month, day=as_at.day)
