"""Which function does each kind of job. The layers that own the work register their functions
(`@job("committee_paper")` in reports.papers.jobs, and so on); the worker looks the kind up here,
so this kernel never imports the layers above it. Each registering module is imported when
Django starts (the apps' `ready()`), in the web processes and the workers alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from actionplans.kernel.jobs.runner import JobOutcome, JobRun


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[[JobRun], JobOutcome]


_KINDS: dict[str, JobKind] = {}


def job(name: str):
    """Register the decorated function as what a job of this kind does: it is given a JobRun and
    returns a JobOutcome, or raises JobFailed with a reason for the person who asked."""

    def register(function):
        known = _KINDS.get(name)
        if known is not None and known.run is not function:
            raise ImproperlyConfigured(f"Two functions are registered for the job kind {name!r}")
        _KINDS[name] = JobKind(name=name, run=function)
        return function

    return register


def job_kind(name: str) -> JobKind:
    """The registered kind; LookupError for a kind nobody registered."""
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"No job function is registered for the kind {name!r}") from None


def registered_kinds() -> list[str]:
    return sorted(_KINDS)
