"""The oracle for the kept newest update: recomputed from scratch in Python, without the SQL
under test (actionplans.plans.models.newest_update_values), and compared for every action."""

from actionplans.plans.models import LATEST_FIELDS, Action, ProgressUpdate


def newest_updates_from_scratch() -> dict[int, tuple]:
    """Action id -> (status, RAG, reported at) of its newest update by (reported_at, id)."""
    newest: dict[int, tuple] = {}
    for action_id, reported_at, pk, status, rag in ProgressUpdate.objects.order_by().values_list(
        "action_id", "reported_at", "pk", "status", "rag"
    ):
        if action_id not in newest or (reported_at, pk) > newest[action_id][0]:
            newest[action_id] = ((reported_at, pk), (status, rag, reported_at))
    return {action_id: values for action_id, (_, values) in newest.items()}


def latest_update_mismatches() -> dict[int, tuple[tuple, tuple]]:
    """Action id -> (kept, right) for every action whose kept fields are wrong."""
    right = newest_updates_from_scratch()
    return {
        pk: (tuple(kept), right.get(pk, (None, None, None)))
        for pk, *kept in Action.objects.order_by("pk").values_list("pk", *LATEST_FIELDS)
        if tuple(kept) != right.get(pk, (None, None, None))
    }


def assert_latest_updates_agree() -> None:
    mismatches = latest_update_mismatches()
    assert not mismatches, f"actions whose kept newest update is wrong (kept, right): {mismatches}"
