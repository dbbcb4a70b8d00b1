"""RAG snapshots: what every action showed at the end of each month, kept in the database.

The dashboards' RAG over time needs, for a year or two of month-ends, the RAG each action
had on that day. Working that out from every update in every request was the slowest part
of the dashboard at council scale (20,000 actions, 100,000 updates), so it is kept:

* RagSnapshot: one row per (period end, action) for the period ends recorded in
  RagSnapshotPeriod, with the RAG, overdue and update due the rules gave it then;
* RagSnapshotCount: each plan's rows counted, so that a dashboard (whose scope is always a
  set of plans) adds up a row per plan and period rather than counting a row per action.

Modules:

* models.py: the three tables.
* writer.py: the one SQL statement that works snapshots out, and the services that record a
  period, refresh the rows of actions whose past changed, and rebuild everything.
* reading.py: counts by RAG per period end (by plan or body from the plan counts; by lead,
  source or organisation from the action rows), and the check that compares everything
  stored with a computation from scratch (actionplans.plans.timeline).
* signals.py: refreshes the rows in the same transaction as each write that changes an
  action's past (connected by the app's ready()).

A snapshot depends only on the data, never on the day it is read: the RAG as at the end of
31 March is fixed by the updates reported by then, the target date in force then and when the
action was created. So a row is right for as long as nothing in its action's past changes,
and every such change rewrites the rows from the day it touches on.
"""
