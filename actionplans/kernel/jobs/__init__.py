"""Background jobs: heavy work (a committee paper, a large export or import, an update round's
e-mails, the daily reminders) done by a worker, not in the request.

The person's side of a job is a `Job` row (models.py): what was asked, by whom, with which
parameters (plain IDs and values, as pretix's exporters take), how far it has got, and its
result (a file kept in the row, or a link) or the reason it failed. The queue underneath is
Django's tasks API (the django-tasks backport, database backend): `services.job_enqueue` writes
the Job and queues the one task `tasks.run_job(job_id)` in the same transaction; a worker
(`manage.py run_worker`) runs it.

What each kind of job does is registered by the layer that owns the work, with the `job`
decorator of registry.py (reports.papers.jobs, reports.exports.jobs, reports.imports.jobs,
actionplans.meetings.jobs), so this kernel imports nothing above it. A job function is given a
`JobRun` (the job, its parameters, the user who asked, and `progress()`), re-checks that user's
access with the same helpers the pages use, and returns a `JobOutcome`.

Nothing runs twice: a job carries a key (say, the meeting whose paper is being published);
while one job with that key is queued or running, asking again returns that job (a unique
constraint on the key of active jobs backs it), and a worker claims a job with one UPDATE from
queued to running, so a task delivered twice finds nothing to do the second time.

Finished jobs are kept TRACKER_JOB_KEEP_DAYS days, then removed with their results
(retention.py: `manage.py prune_jobs`, and a scheduled job the workers queue daily).
"""
