"""How the tracker shows dates: the one definition, for every page, paper, e-mail and message.

Django reads this module for the site's language, en-gb (settings.FORMAT_MODULE_PATH), before
its own en_GB formats, which give anything not set here. Templates show a date with the
`date` filter ({{ value|date }}, {{ value|date:"SHORT_DATE_FORMAT" }}) and Python with
django.utils.formats.date_format(value) or date_format(value, "SHORT_DATE_FORMAT"); nothing
spells out a format of its own.
"""

DATE_FORMAT = "j F Y"  # 4 November 2021, as people write a date
DATETIME_FORMAT = "j F Y, H:i"  # 4 November 2021, 14:30
SHORT_DATE_FORMAT = "j M Y"  # 4 Nov 2021, in tables where space is short
