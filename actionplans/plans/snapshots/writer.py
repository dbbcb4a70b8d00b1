"""Writing RAG snapshots: one SQL statement works out what the RAG rules gave each action at
the end of each recorded period, for every action at once or for a few.

The rules are those of actionplans.plans.rag.assess(), applied as at the period end to the
action's past as actionplans.plans.timeline.ActionHistory reads it:

* only actions created on or before the period end have a row;
* the newest update reported on or before the period end (newest by reported_at, then id)
  gives the status and the reported RAG;
* the target date in force is the new date of the newest target date revision made on or
  before the period end; else, if the target was revised only later, the first revision's
  previous date (the original target); else the action's target date;
* complete is Blue; open and past the target date in force is overdue and Red; otherwise the
  reported RAG, or none ("") if nobody had reported;
* open, and the newest update older than the reporting cycle before the period end, is
  "update due".

"On or before the period end" is "before the period's cutoff", the first moment of the next
day in the local time zone; "older than the cycle" is "before stale_before". Both are worked
out here in Python and kept on the period's row, so the database compares stored moments and
converts nothing. tests/test_rag_snapshots.py proves the statement agrees with
ActionHistory.assessment_on over random histories, on SQLite and PostgreSQL.

Writes happen in the caller's transaction (each service wraps itself in atomic(), which is a
savepoint inside one), so a refresh commits or rolls back with the write that caused it.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from actionplans.kernel import clock
from actionplans.plans import rag
from actionplans.plans.models import Action, ProgressUpdate, TargetDateRevision
from actionplans.plans.rag import ActionStatus, Rag
from actionplans.plans.snapshots.models import RagSnapshot, RagSnapshotCount, RagSnapshotPeriod

# Enough ids in one statement for any plan, few enough for every database's parameter limit.
ID_BATCH = 500


def is_month_end(day: datetime.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def period_for(period_end: datetime.date) -> RagSnapshotPeriod:
    """The period's row as the current time zone and reporting cycle make it."""
    cycle_days = rag.reporting_cycle_days()
    return RagSnapshotPeriod(
        period_end=period_end,
        cutoff=_start_of_day(period_end + datetime.timedelta(days=1)),
        stale_before=_start_of_day(period_end - datetime.timedelta(days=cycle_days)),
        cycle_days=cycle_days,
    )


def is_current(period: RagSnapshotPeriod) -> bool:
    """Whether a recorded period was worked out with the time zone and cycle in force now."""
    expected = period_for(period.period_end)
    return (period.cutoff, period.stale_before, period.cycle_days) == (
        expected.cutoff,
        expected.stale_before,
        expected.cycle_days,
    )


# --- The statements --------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _column(model, name: str) -> str:
    return _q(model._meta.get_field(name).column)


def _snapshots_sql(*, where: str, where_params: list, on_conflict_do_nothing: bool) -> tuple[str, list]:
    """INSERT ... SELECT of the RagSnapshot rows of the (period, action) pairs that `where`
    selects (over `p`, the periods, and `a`, the actions). Returns the SQL and its parameters.

    The newest update's id is worked out once per pair, in a CTE that PostgreSQL is told to
    materialise; its fields are then read by id. (Joining the updates instead let PostgreSQL
    hash the whole table to refresh a handful of actions.) `WHERE TRUE` before ON CONFLICT
    keeps SQLite from reading the conflict clause as part of a join."""
    q = _q
    snapshot, period, action = _table(RagSnapshot), _table(RagSnapshotPeriod), _table(Action)
    update, revision = _table(ProgressUpdate), _table(TargetDateRevision)
    u_action, u_at = _column(ProgressUpdate, "action"), _column(ProgressUpdate, "reported_at")
    r_action, r_at = _column(TargetDateRevision, "action"), _column(TargetDateRevision, "revised_at")
    r_new, r_previous = _column(TargetDateRevision, "new_date"), _column(TargetDateRevision, "previous_date")
    revisions = f"FROM {revision} r WHERE r.{r_action} = a.{q('id')}"
    newest = f"FROM {update} u WHERE u.{q('id')} = pairs.newest_id"
    materialized = "MATERIALIZED" if connection.vendor == "postgresql" else ""
    sql = f"""
        INSERT INTO {snapshot} ({_column(RagSnapshot, "period")}, {_column(RagSnapshot, "action")},
                                {_column(RagSnapshot, "plan")}, {q("rag")}, {q("is_overdue")}, {q("is_update_due")})
        WITH pairs AS {materialized} (
            SELECT p.{q("period_end")} AS period_end, p.{q("stale_before")} AS stale_before,
                   a.{q("id")} AS action_id, a.{_column(Action, "plan")} AS plan_id,
                   (SELECT u.{q("id")} FROM {update} u
                     WHERE u.{u_action} = a.{q("id")} AND u.{u_at} < p.{q("cutoff")}
                     ORDER BY u.{u_at} DESC, u.{q("id")} DESC LIMIT 1) AS newest_id,
                   COALESCE(
                       (SELECT r.{r_new} {revisions} AND r.{r_at} < p.{q("cutoff")}
                         ORDER BY r.{r_at} DESC, r.{q("id")} DESC LIMIT 1),
                       CASE WHEN EXISTS (SELECT 1 {revisions})
                            THEN (SELECT r.{r_previous} {revisions} ORDER BY r.{r_at}, r.{q("id")} LIMIT 1)
                            ELSE a.{q("target_date")} END
                   ) AS target_date
            FROM {period} p JOIN {action} a ON a.{q("created_at")} < p.{q("cutoff")}
            WHERE {where}
        ),
        states AS (
            SELECT pairs.period_end, pairs.stale_before, pairs.action_id, pairs.plan_id, pairs.target_date,
                   (SELECT u.{q("status")} {newest}) AS status,
                   (SELECT u.{q("rag")} {newest}) AS reported_rag,
                   (SELECT u.{u_at} {newest}) AS reported_at
            FROM pairs
        )
        SELECT period_end, action_id, plan_id,
               CASE WHEN status = %s THEN %s
                    WHEN target_date < period_end THEN %s
                    ELSE COALESCE(reported_rag, '') END,
               CASE WHEN status = %s THEN FALSE
                    WHEN target_date < period_end THEN TRUE
                    ELSE FALSE END,
               CASE WHEN status = %s THEN FALSE
                    WHEN reported_at < stale_before THEN TRUE
                    ELSE FALSE END
        FROM states
        WHERE TRUE
        {"ON CONFLICT DO NOTHING" if on_conflict_do_nothing else ""}
    """
    complete = ActionStatus.COMPLETE.value
    return sql, [*where_params, complete, Rag.BLUE.value, Rag.RED.value, complete, complete]


# RagSnapshotCount's columns, by the keys ActionQuerySet.rag_counts_by gives its counts.
COUNT_COLUMNS = {rag.value: rag.value for rag in Rag} | {
    "": "not_reported",
    "overdue": "overdue",
    "update_due": "update_due",
}


def _counts_sql(*, where: str, where_params: list, on_conflict_do_nothing: bool) -> tuple[str, list]:
    """INSERT ... SELECT of the RagSnapshotCount rows counting the RagSnapshot rows (`s`) that
    `where` selects, by period and plan."""
    s_period, s_plan = _column(RagSnapshot, "period"), _column(RagSnapshot, "plan")
    conditions = {rag.value: (f"s.{_q('rag')} = %s", [rag.value]) for rag in Rag} | {
        "": (f"s.{_q('rag')} = ''", []),
        "overdue": (f"s.{_q('is_overdue')}", []),
        "update_due": (f"s.{_q('is_update_due')}", []),
    }
    sums, params = [], []
    for key in COUNT_COLUMNS:
        condition, condition_params = conditions[key]
        sums.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)")
        params.extend(condition_params)
    columns = ", ".join(_q(column) for column in COUNT_COLUMNS.values())
    sql = f"""
        INSERT INTO {_table(RagSnapshotCount)} ({_column(RagSnapshotCount, "period")},
                                                {_column(RagSnapshotCount, "plan")}, {columns})
        SELECT s.{s_period}, s.{s_plan}, {", ".join(sums)}
        FROM {_table(RagSnapshot)} s
        WHERE {where}
        GROUP BY s.{s_period}, s.{s_plan}
        {"ON CONFLICT DO NOTHING" if on_conflict_do_nothing else ""}
    """
    return sql, [*params, *where_params]


def _execute(statement, *, where: str, params: Iterable = (), on_conflict_do_nothing: bool = False) -> int:
    sql, all_params = statement(where=where, where_params=list(params), on_conflict_do_nothing=on_conflict_do_nothing)
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        return cursor.rowcount


def _in(column: str, values: list) -> str:
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _batches(values: Iterable) -> Iterable[list]:
    values = sorted(set(values))
    for start in range(0, len(values), ID_BATCH):
        yield values[start : start + ID_BATCH]


# --- Services --------------------------------------------------------------------------------


def _write_periods(period_ends: list[datetime.date]) -> None:
    """Write the rows and counts of these recorded periods, which have none (or whose rows a
    racing request has just written: those are left as they are)."""
    _execute(
        _snapshots_sql,
        where=_in(f"p.{_q('period_end')}", period_ends),
        params=period_ends,
        on_conflict_do_nothing=True,
    )
    _execute(
        _counts_sql,
        where=_in(f"s.{_column(RagSnapshot, 'period')}", period_ends),
        params=period_ends,
        on_conflict_do_nothing=True,
    )


def periods_record(period_ends: Iterable[datetime.date]) -> list[datetime.date]:
    """Make sure the snapshots at these period ends are kept: record those not recorded yet,
    and work out again those recorded under another time zone or reporting cycle, writing the
    row of every action that existed by then and each plan's counts. Each must be a month-end
    before clock.today(). Returns the period ends (re)written. One query when there is
    nothing to write.

    Two requests recording the same period at once write the same rows; the second writes
    nothing (ON CONFLICT DO NOTHING). A write into an action's past committed while a period
    is being recorded in another transaction may be missed for that period (the recording
    reads what was committed when it began, and the write's refresh does not yet see the
    period): `manage.py rag_snapshots --check` finds such a row and --rebuild mends it.
    Recording each month-end from the nightly command keeps that window out of working hours."""
    wanted = sorted(set(period_ends))
    today = clock.today()
    wrong = [day for day in wanted if not is_month_end(day) or day >= today]
    if wrong:
        raise ValueError(f"Only month-ends before {today} are kept, not {', '.join(map(str, wrong))}.")
    if not wanted:
        return []
    recorded = {period.period_end: period for period in RagSnapshotPeriod.objects.filter(period_end__in=wanted)}
    stale = [day for day, period in recorded.items() if not is_current(period)]
    new = [day for day in wanted if day not in recorded]
    if not stale and not new:
        return []
    with transaction.atomic():
        if stale:
            RagSnapshotCount.objects.filter(period_id__in=stale).delete()
            RagSnapshot.objects.filter(period_id__in=stale).delete()
            RagSnapshotPeriod.objects.bulk_update(
                [period_for(day) for day in stale], ["cutoff", "stale_before", "cycle_days"]
            )
        RagSnapshotPeriod.objects.bulk_create([period_for(day) for day in new], ignore_conflicts=True)
        written = sorted(stale + new)
        _write_periods(written)
    return written


def _recount(plan_ids: Iterable[int], *, since: datetime.date | None) -> None:
    """Count again the snapshot rows of these plans at the recorded period ends from `since`."""
    s_plan, s_period = _column(RagSnapshot, "plan"), _column(RagSnapshot, "period")
    for batch in _batches(plan_ids):
        counts = RagSnapshotCount.objects.filter(plan_id__in=batch)
        where, params = _in(f"s.{s_plan}", batch), list(batch)
        if since is not None:
            counts = counts.filter(period_id__gte=since)
            where, params = f"{where} AND s.{s_period} >= %s", [*params, since]
        counts.delete()
        _execute(_counts_sql, where=where, params=params)


def snapshots_refresh(
    *, action_ids: Iterable[int], since: datetime.date | None = None, plan_ids: Iterable[int] = ()
) -> None:
    """Work out again the snapshots of these actions at every recorded period end on or after
    `since` (all of them if None), after a write that changed their past from that day on,
    and count again the plans they are in and were in (and `plan_ids`). One query when no
    period ending on or after `since` is kept (as for an update reported today); otherwise
    seven for up to 500 actions in up to 500 plans, and a savepoint. Actions that no longer
    exist are left with no rows."""
    kept = RagSnapshotPeriod.objects.all() if since is None else RagSnapshotPeriod.objects.filter(period_end__gte=since)
    if not kept.exists():
        return
    plans = set(plan_ids)
    with transaction.atomic():
        for batch in _batches(pk for pk in action_ids if pk is not None):
            rows = RagSnapshot.objects.filter(action_id__in=batch)
            where, params = _in(f"a.{_q('id')}", batch), list(batch)
            if since is not None:
                rows = rows.filter(period_id__gte=since)
                where, params = f"{where} AND p.{_q('period_end')} >= %s", [*params, since]
            plans.update(
                rows.order_by()
                .values_list("plan_id", flat=True)
                .union(Action.objects.filter(pk__in=batch).order_by().values_list("plan_id", flat=True))
            )
            rows.delete()
            _execute(_snapshots_sql, where=where, params=params)
        _recount(plans, since=since)


def snapshots_rebuild() -> int:
    """Work out every row and count of every recorded period again from scratch, with the time
    zone and reporting cycle in force now. Returns how many action rows were written."""
    with transaction.atomic():
        RagSnapshotCount.objects.all().delete()
        RagSnapshot.objects.all().delete()
        periods = [period_for(day) for day in RagSnapshotPeriod.objects.values_list("period_end", flat=True)]
        RagSnapshotPeriod.objects.bulk_update(periods, ["cutoff", "stale_before", "cycle_days"])
        written = _execute(_snapshots_sql, where="TRUE")
        _execute(_counts_sql, where="TRUE")
    return written


def periods_forget(*, before: datetime.date) -> int:
    """Stop keeping the periods that ended before `before`, with their rows. Returns how many."""
    with transaction.atomic():
        RagSnapshotCount.objects.filter(period_id__lt=before).delete()
        RagSnapshot.objects.filter(period_id__lt=before).delete()
        count, _ = RagSnapshotPeriod.objects.filter(period_end__lt=before).delete()
    return count
