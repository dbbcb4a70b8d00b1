from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        # Register what each kind of background job of this app does (actionplans.kernel.jobs),
        # in the web processes (which queue them) and the workers (which run them) alike.
        from reports.exports import jobs as export_jobs  # noqa: F401
        from reports.imports import jobs as import_jobs  # noqa: F401
        from reports.minutes import jobs as minutes_jobs  # noqa: F401
        from reports.papers import jobs as paper_jobs  # noqa: F401
