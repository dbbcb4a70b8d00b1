from django.core.management.base import BaseCommand, CommandError

from actionplans.demo import DemoDataError, demo_password, load_demo


class Command(BaseCommand):
    help = "Load the demo data taken from the five seed papers, and the demo accounts. Safe to run twice."

    def handle(self, *args, **options):
        try:
            report = load_demo()
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        created = ", ".join(f"{count} {kind}" for kind, count in sorted(report.created.items()))
        created = created or "nothing new (already loaded)"
        self.stdout.write(f"Loaded {len(report.files)} demo files; created {created}.")
        if report.accounts:
            self.stdout.write(f"Demo accounts (password: {demo_password()}):")
            for username, role, person in report.accounts:
                detail = f" – {person}" if person else ""
                self.stdout.write(f"  {username:<8} {role}{detail}")
