"""Reading target dates as the papers print them."""

import datetime

import pytest

from actionplans.plans.target_dates import parse_target_date

D = datetime.date


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("April 2010", D(2010, 4, 30)),
        ("End August 2008", D(2008, 8, 31)),
        ("31.3.09", D(2009, 3, 31)),
        ("18.8.08", D(2008, 8, 18)),
        ("Sept 08", D(2008, 9, 30)),
        ("Sept. to Dec 2008", D(2008, 12, 31)),
        ("31 December 08", D(2008, 12, 31)),
        ("25th November 2009", D(2009, 11, 25)),
        ("September 3 2008", D(2008, 9, 3)),
        ("31/12/21", D(2021, 12, 31)),
        ("01/12/2021", D(2021, 12, 1)),
        ("February 2012", D(2012, 2, 29)),
        ("Proposals to be reported to CYPTB in January 2010.", D(2010, 1, 31)),
        ("Monthly leading up to 31.3.09", D(2009, 3, 31)),
        ("Nov 08-Jan 09 Nov 09-Jan 10 Nov 10-Jan 11", D(2011, 1, 31)),
    ],
)
def test_reads_the_date_a_printed_target_means(printed, expected):
    assert parse_target_date(printed) == expected


@pytest.mark.parametrize(
    "printed",
    [
        None,
        "",
        "   ",
        "To be Confirmed",
        "ongoing",
        "Completed",
        "End July",
        "From Oct 08",
        "mid -2012",
        "30.2.09",
        "i) Information group – already implemented. Integrated ICT systems – completion date to be determined "
        "when scope and resource implications are clear.",
    ],
)
def test_gives_no_date_rather_than_a_guess(printed):
    assert parse_target_date(printed) is None
