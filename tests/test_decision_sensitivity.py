"""Tornado data and switch points against a scenario solvable by hand."""

import pytest

from mlkit.decision import example_scenario, sensitivity
from mlkit.decision.inputs import Assumptions, Option, Person, Scenario

# Four years, no growth, no discounting. The course: a year of tuition (10,000) without pay,
# then 90,000 instead of 50,000 if the role is landed (probability p), else 50,000 again.
# Expected NPV = p * (-60,000 + 3 * 40,000) + (1 - p) * (-60,000) = 120,000 p - 60,000.
PERSON = Person(age=60, salary=50_000, salary_growth=0.0, retirement_age=64)
COURSE = Option("Course", "masters_in_person", years=1, tuition_per_year=10_000, income_share_while_studying=0,
                p_complete=1.0, p_land_role=0.6, target_salary=90_000)
SCENARIO = Scenario(PERSON, (Option("Stay"), COURSE), Assumptions(discount_rate=0.0, pre_tax=True))  # switch points by hand: pre-tax


def bar(bars, name, option="Course"):
    return next(b for b in bars if b.input == name and (b.option == option or b.option is None))


def test_switch_point_of_the_chance_of_landing_the_role():
    bars = sensitivity(SCENARIO)
    p = bar(bars, "p_land_role")
    assert (p.low, p.base, p.high) == (0.3, 0.6, 0.9)
    assert p.npv_low["Course"] == pytest.approx(120_000 * 0.3 - 60_000)
    assert p.npv_high["Course"] == pytest.approx(120_000 * 0.9 - 60_000)
    assert (p.best_low, p.best_high) == ("Stay", "Course")
    # 120,000 p - 60,000 = 0 at p = 0.5: below it staying is better.
    assert p.switch_below.value == pytest.approx(0.5, abs=1e-6)
    assert (p.switch_below.before, p.switch_below.after) == ("Course", "Stay")
    assert p.switch_above is None


def test_switch_point_of_the_target_salary():
    # NPV(T) = 0.6 * (-60,000 + 3 (T - 50,000)) + 0.4 * (-60,000) = 1.8 (T - 50,000) - 60,000 -> T = 83,333.33.
    t = bar(sensitivity(SCENARIO), "target_salary")
    assert t.low < 83_333 < t.base == 90_000
    assert t.switch_below.value == pytest.approx(50_000 + 60_000 / 1.8, abs=0.01)


def test_no_switch_inside_the_range():
    bars = sensitivity(SCENARIO)
    # NPV = 22,000 - total tuition: the range 5,000-15,000 never reaches 22,000.
    tuition = bar(bars, "tuition")
    assert (tuition.low, tuition.high) == (5_000, 15_000)
    assert tuition.npv_low["Course"] - tuition.npv_high["Course"] == pytest.approx(10_000)
    assert tuition.switch_below is None and tuition.switch_above is None
    # Discounting: -60,000 + 24,000 * annuity(r, 3) = 0 near r = 9.7%, outside 0-7%.
    rate = bar(bars, "discount_rate")
    assert rate.option is None and rate.switch_above is None


def test_bars_are_sorted_by_swing_and_cover_every_option_that_is_not_stay():
    bars = sensitivity(example_scenario())
    swings = [b.swing for b in bars]
    assert swings == sorted(swings, reverse=True)
    options = {b.option for b in bars}
    assert options == {None, "In-person master's (CMU-priced)", "Online part-time master's", "Low-cost online master's (OMSCS)", "Full-time bootcamp"}
    assert {b.input for b in bars if b.option is None} == {"discount_rate", "salary_growth", "salary", "retirement_age"}


def test_switch_points_change_the_best_option():
    from mlkit.decision.results import expected_npvs
    from mlkit.decision.sensitivity import inputs

    s = example_scenario()
    found = 0
    items = {(i.name, i.option): i for i in inputs(s)}
    for b in sensitivity(s):
        for switch in (b.switch_below, b.switch_above):
            if switch is None:
                continue
            found += 1
            item = items[(b.input, b.option)]
            step = 1e-4 * (item.high - item.low)
            side = -1 if switch is b.switch_below else 1
            names = [o.name for o in s.options]
            before = names[int(expected_npvs(item.apply(s, switch.value - side * step)).argmax())]
            after = names[int(expected_npvs(item.apply(s, switch.value + side * step)).argmax())]
            assert (before, after) == (switch.before, switch.after)
    assert found > 0


def test_to_dict():
    data = bar(sensitivity(SCENARIO), "p_land_role").to_dict()
    assert data["switch_below"]["after"] == "Stay" and data["switch_above"] is None
