"""python manage.py send_reminders [--dry-run] [--date YYYY-MM-DD]

Run once a day from cron (see README, "Running in production"). What fires is explained in
actionplans.meetings.reminders.

Sending each e-mail once: for each person, the SentReminder rows of their newly fired
triggers are created first, in a transaction that commits before anything is sent. The
unique (kind, key) constraint means a run racing this one cannot record, and so cannot send,
the same trigger. Then the e-mail is sent; if sending fails those rows are deleted again, so
the next run retries, and the command exits non-zero. A crash between the commit and the
send would lose that e-mail rather than send it twice; we accept that rather than hold a
database transaction open while a slow mail server answers (see actionplans.meetings.rounds).

--dry-run prints who would get what and neither sends nor records anything; --date acts as
at another day (default clock.today(): today, or TRACKER_AS_AT where set).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import date_format

from actionplans.kernel import clock
from actionplans.meetings.reminders import reminders_due, reminders_send


class Command(BaseCommand):
    help = (
        "E-mail each officer once about their actions newly due soon, overdue or needing an update, "
        "and about update rounds whose deadline is near. Run daily; running it again sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print who would get what; send and record nothing.")
        parser.add_argument("--date", help="Act as at this date, YYYY-MM-DD (default: today, or TRACKER_AS_AT).")

    def handle(self, *args, dry_run=False, date=None, **options):
        on = self._date(date)
        due = reminders_due(on=on)
        people = f"{len(due.without_email)} {'person' if len(due.without_email) == 1 else 'people'}"
        no_email = f"; {people} with no e-mail address skipped" if due.without_email else ""
        if dry_run:
            for batch in due.batches:
                self.stdout.write(f"Would e-mail {batch.person} <{batch.person.email}>: {batch.summary}")
                for trigger in batch.triggers:
                    for action in trigger.actions:
                        self.stdout.write(f"  {trigger.kind.label}: {action}")
            for person in due.without_email:
                self.stdout.write(f"No e-mail address, chase by other means: {person}")
            self.stdout.write(
                f"Dry run as at {date_format(on)}: would send {self._emails(len(due.batches))} about "
                f"{self._items(due.items)}{no_email}. Nothing was sent or recorded."
            )
            return
        emails = reminders_send(due)
        for person in due.without_email:
            self.stdout.write(f"No e-mail address, chase by other means: {person}")
        self.stdout.write(
            f"As at {date_format(on)}: sent {self._emails(len(emails.sent))}"
            f" ({self._items(sum(b.items for b in due.batches if b.person in emails.sent))}){no_email}."
        )
        if emails.failed:
            names = ", ".join(str(person) for person in emails.failed)
            raise CommandError(
                f"Could not send {self._emails(len(emails.failed))} (to {names}); nothing was recorded for them, "
                "so the next run tries again."
            )

    @staticmethod
    def _date(value) -> datetime.date:
        if value is None:
            return clock.today()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--date must be a real date written YYYY-MM-DD, not {value!r}") from None

    @staticmethod
    def _emails(count: int) -> str:
        return f"{count} e-mail{'' if count == 1 else 's'}"

    @staticmethod
    def _items(count: int) -> str:
        return f"{count} item{'' if count == 1 else 's'}"
