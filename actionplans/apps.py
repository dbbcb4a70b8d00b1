from django.apps import AppConfig


class ActionPlansConfig(AppConfig):
    name = "actionplans"
    verbose_name = "Action plans"

    def ready(self):
        # Connects the handler that stamps each session with its sign-in time, so the
        # absolute session lifetime counts from the real sign-in on every process.
        from actionplans import session_security  # noqa: F401

        # Registers the kernel's own scheduled job: removing finished jobs past keeping.
        from actionplans.kernel.jobs import retention  # noqa: F401

        # Merges a measure's values and targets into the change history on the measure's page.
        from actionplans.measures import history as measure_history  # noqa: F401

        # Registers the background jobs of the meetings layer (an update round's e-mails, the
        # daily reminders and their schedule); reports registers its own in ReportsConfig.
        from actionplans.meetings import jobs as meeting_jobs  # noqa: F401

        # Connects the handlers that keep each action's RAG snapshots right after every write
        # that changes its past, in the same transaction as the write.
        from actionplans.plans.snapshots import signals  # noqa: F401
