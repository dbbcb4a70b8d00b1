"""The generated council's measures (outcome indicators, issue 10): Sizes.measures of them (500
at council scale), each with Sizes.MEASURE_PERIODS (36) monthly values up to the last month end
before `today`, a baseline, targets (some changing part way), a RAG rule and a data owner.

The featured plan holds a page of its "Measures that matter" table (Sizes.featured_plan_measures:
100 from council scale up), some of them in the featured body's core data set, a few owned by
the officer account; the rest are spread over the other plans. Units, directions and rules are
mixed as the papers mix them: percentages with their numerator and denominator (seed 002's
"196 (87%)"), counts, rates per 10,000, days and scores; the Trust Board's tolerance rule
(seed 001) for most, the improvement plan's 50/60/70% bands (seed 002) for some, a few with
no target, and counts where neither way is better (the children open to a team) with no RAG.
Every value keeps the database's rules (a percentage agrees with its counts).

Drawn from the generator's own random sequence after everything else, so adding measures left
every other generated row as it was.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from actionplans.measures.models import Measure, MeasureTarget, MeasureValue
from actionplans.measures.units import Frequency, MeasureUnit
from actionplans.plans.rag import Direction, RagRule
from actionplans.scale import words
from actionplans.scale.council import month_end
from actionplans.scale.sizes import MEASURE_PERIODS

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def _quantized(value, step: Decimal) -> Decimal:
    return Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)


def measure_periods(today: datetime.date) -> list[datetime.date]:
    """The MEASURE_PERIODS month ends up to the last one before `today`, oldest first."""
    ends = [today.replace(day=1) - datetime.timedelta(days=1)]
    while len(ends) < MEASURE_PERIODS:
        ends.append(ends[-1].replace(day=1) - datetime.timedelta(days=1))
    return ends[::-1]


class MeasuresMixin:
    """ScaleGenerator's measures: call _measures() last (it needs the plans, people, bodies and
    the actions' ids)."""

    def _measures(self):
        rng, sizes = self.rng, self.sizes
        periods = measure_periods(self.today)
        baseline_date = month_end(periods[0] - datetime.timedelta(days=31))
        actions_of_plan: dict[int, list[int]] = {}
        for spec in self.specs:
            actions_of_plan.setdefault(spec.plan, []).append(spec.pk)

        # Which plan each measure is in: the featured plan first, the rest round the others.
        featured = sizes.featured_plan_measures
        others = list(range(1, len(self.plans))) or [0]
        plan_of = [0] * featured + [others[k % len(others)] for k in range(sizes.measures - featured)]

        measures, series, used_names, positions = [], [], {}, {}
        for k, p in enumerate(plan_of):
            name, unit = words.MEASURES[rng.randrange(len(words.MEASURES))]
            count = used_names[(p, name)] = used_names.get((p, name), 0) + 1
            if count > 1:
                name = f"{name} ({count})"
            positions[p] = positions.get(p, 0) + 1
            unit = MeasureUnit(unit)
            direction = self._direction(unit)
            values = self._series(unit, direction, len(periods) + 1)  # the first is the baseline's
            rule, green, amber = RagRule.TOLERANCE, None, None
            roll = rng.random()
            if direction is Direction.NEITHER:  # the number of children open to a team: no RAG
                rule = RagRule.NONE
            elif unit is MeasureUnit.PERCENTAGE and direction is Direction.HIGHER and roll < 0.25:
                rule, green, amber = RagRule.BANDS, Decimal(70), Decimal(60)  # seed 002's bands
            owner = self.officer_index if p == 0 and k % 10 == 0 else rng.choice(self.officers)
            measures.append(
                Measure(
                    plan=self.plans[p],
                    position=positions[p],
                    name=name,
                    unit=unit,
                    direction=direction,
                    frequency=Frequency.MONTHLY,
                    baseline_value=values[0][0],
                    baseline_date=baseline_date,
                    data_owner=self.people[owner],
                    data_source=rng.choice(words.MEASURE_SOURCES),
                    rag_rule=rule,
                    green_threshold=green,
                    amber_threshold=amber,
                    created_at=self.at(baseline_date, 9),
                )
            )
            series.append(values[1:])
        self._count("measures", measures)

        targets, rows, links, core = [], [], [], []
        for k, measure in enumerate(measures):
            unit, direction = MeasureUnit(measure.unit), Direction(measure.direction)
            if measure.rag_rule == RagRule.TOLERANCE and rng.random() < 0.92:  # else "no target"
                first = self._target(unit, direction, measure.baseline_value)
                targets.append(MeasureTarget(measure=measure, value=first, note=""))
                if rng.random() < 0.25:  # raised (or lowered) for the second half of the periods
                    later = self._target(unit, direction, first)
                    halfway = periods[MEASURE_PERIODS // 2]
                    targets.append(MeasureTarget(measure=measure, value=later, applies_from=halfway))
            for period_end, (value, numerator, denominator) in zip(periods, series[k], strict=True):
                rows.append(
                    MeasureValue(
                        measure=measure,
                        period_end=period_end,
                        value=value,
                        numerator=numerator,
                        denominator=denominator,
                        unit=unit,  # a plain QuerySet does not copy it from the measure
                        entered_by=measure.data_owner,
                        entered_at=self.at(period_end + datetime.timedelta(days=rng.randint(3, 12)), 10),
                    )
                )
            plan_actions = actions_of_plan.get(plan_of[k], [])
            for action_id in rng.sample(plan_actions, min(len(plan_actions), rng.choice([0, 1, 1, 2]))):
                links.append(Measure.actions.through(measure_id=measure.pk, action_id=action_id))
            if plan_of[k] == 0 and k < sizes.core_measures:
                core.append(Measure.core_data_set_of.through(measure_id=measure.pk, body_id=self.featured_body.pk))
        self._count("measure targets", targets)
        self._count("measure values", rows)
        self._count("measures' actions", links)
        self._count("core data set measures", core)

    def _direction(self, unit: MeasureUnit) -> Direction:
        if unit is MeasureUnit.DAYS:
            return Direction.LOWER
        roll = self.rng.random()
        if unit is MeasureUnit.COUNT and roll < 0.3:
            return Direction.NEITHER
        lower = 0.2 if unit in (MeasureUnit.PERCENTAGE, MeasureUnit.SCORE) else 0.5
        return Direction.LOWER if roll < lower else Direction.HIGHER

    def _series(self, unit: MeasureUnit, direction: Direction, length: int) -> list[tuple]:
        """`length` monthly (value, numerator, denominator): a random walk, drifting a little the
        better way."""
        rng = self.rng
        drift = {Direction.HIGHER: 0.004, Direction.LOWER: -0.004}.get(direction, 0.0)
        points = []
        if unit is MeasureUnit.PERCENTAGE:
            share, whole = rng.uniform(0.45, 0.9), rng.randint(50, 400)
            for _ in range(length):
                share = min(0.99, max(0.05, share + drift + rng.gauss(0, 0.03)))
                whole = max(20, round(whole * rng.uniform(0.96, 1.05)))
                part = round(share * whole)
                points.append((_quantized(Decimal(part) * 100 / whole, CENT), part, whole))
        elif unit is MeasureUnit.RATE_PER_10000:
            rate, population = rng.uniform(20, 80), rng.randint(40_000, 60_000)
            for _ in range(length):
                rate = max(1.0, rate * (1 + drift + rng.gauss(0, 0.03)))
                part = round(rate * population / 10_000)
                points.append((_quantized(Decimal(part) * 10_000 / population, CENT), part, population))
        elif unit is MeasureUnit.COUNT:
            count = rng.uniform(20, 400)
            for _ in range(length):
                count = max(0.0, count * (1 + drift + rng.gauss(0, 0.05)))
                points.append((Decimal(round(count)), None, None))
        elif unit is MeasureUnit.DAYS:
            days = rng.uniform(10, 120)
            for _ in range(length):
                days = max(1.0, days * (1 + drift + rng.gauss(0, 0.04)))
                points.append((_quantized(days, TENTH), None, None))
        else:  # a score from 1 to 4 (an audit grade)
            score = rng.uniform(1.5, 3.8)
            for _ in range(length):
                score = min(4.0, max(1.0, score + drift + rng.gauss(0, 0.08)))
                points.append((_quantized(score, CENT), None, None))
        return points

    def _target(self, unit: MeasureUnit, direction: Direction, start: Decimal) -> Decimal:
        """A target a little better than `start`, printed as the papers print them."""
        better = Decimal(str(self.rng.uniform(1.03, 1.12)))
        value = start * better if direction is Direction.HIGHER else start / better
        if unit is MeasureUnit.PERCENTAGE:
            return min(Decimal(95), _quantized(value, Decimal(1)))
        if unit is MeasureUnit.SCORE:
            return min(Decimal(4), _quantized(value, TENTH))
        return _quantized(value, Decimal(1) if unit is MeasureUnit.COUNT else TENTH)
