"""Properties that hold for any valid input (hypothesis)."""

import dataclasses
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlkit.decision import evaluate, simulate
from mlkit.decision.financing import fit_to_cost
from mlkit.decision.inputs import GRADUATE_KINDS, Assumptions, Financing, Option, Person, Scenario
from mlkit.decision.results import expected_npvs
from mlkit.decision.sensitivity import sensitivity

KINDS = ("masters_in_person", "masters_online", "masters_hybrid", "low_cost_masters", "bootcamp", "certificate", "self_study")
money = st.floats(min_value=0, max_value=100_000, allow_nan=False)
# 0, 1, or a probability large enough for its effect to show in double precision.
probability = st.one_of(st.just(0.0), st.just(1.0), st.floats(min_value=0.001, max_value=1))


@st.composite
def scenarios(draw):
    age = draw(st.integers(min_value=20, max_value=55))
    person = Person(
        age=age,
        salary=draw(st.floats(min_value=0, max_value=250_000)),
        salary_growth=draw(st.floats(min_value=0, max_value=0.04)),
        retirement_age=draw(st.integers(min_value=age + 6, max_value=70)),
    )
    kind = draw(st.sampled_from(KINDS))
    years = draw(st.floats(min_value=0.1, max_value=4))
    federal = draw(st.floats(min_value=0, max_value=20_500)) if kind in GRADUATE_KINDS else 0.0
    tuition, fees, housing = draw(money), draw(st.floats(0, 5_000)), draw(st.floats(0, 2_500))
    option = Option(
        "Option", kind, years=years,
        tuition_per_year=tuition, programme_price=draw(money), fees_per_year=fees,
        extra_housing_per_month=housing, relocation=draw(st.floats(0, 10_000)),
        scholarships_per_year=min(draw(st.floats(0, 5_000)), tuition + fees + 12 * housing),  # aid never above the cost
        income_share_while_studying=draw(probability), p_complete=draw(probability), p_land_role=draw(probability),
        target_salary=draw(st.floats(min_value=20_000, max_value=400_000)),
        fallback_salary=draw(st.one_of(st.none(), st.floats(min_value=0, max_value=250_000))),
        job_search_months=draw(st.floats(0, 9)),
        senior_premium=draw(st.floats(0, 50_000)), senior_after_years=draw(st.floats(0, 10)),
        financing=Financing(
            federal_unsubsidised_per_year=federal,
            private_per_year=draw(st.floats(0, 40_000)),
            private_rate=draw(st.floats(0, 0.14)),
            capitalise=draw(st.booleans()),
        ),
    )
    # nobody borrows above the cost of attendance (refused at the boundary): lower the loans to it
    option = dataclasses.replace(option, financing=fit_to_cost(option.financing, option.cost_of_attendance_per_year))
    assumptions = Assumptions(
        discount_rate=draw(st.floats(0, 0.07)), after_tax=draw(st.booleans()), tax_rate=draw(st.floats(0, 0.45)),
        start_date=draw(st.sampled_from(["2025-08-18", "2026-08-17", "2027-08-16"])),
        monte_carlo=draw(st.sampled_from(["outcomes", "expected"])),
    )
    return Scenario(person, (Option("Stay"), option), assumptions)


def finite(x) -> bool:
    return x is None or isinstance(x, str) or math.isfinite(x)


def all_numbers(data):
    if isinstance(data, dict):
        for v in data.values():
            yield from all_numbers(v)
    elif isinstance(data, (list, tuple)):
        for v in data:
            yield from all_numbers(v)
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        yield data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_no_nan_or_infinity_in_any_result(s):
    data = evaluate(s).to_dict(with_flows=True)
    assert all(math.isfinite(x) for x in all_numbers(data))
    result = simulate(s, draws=300, seed=1)
    for o in result.options:
        assert all(math.isfinite(x) for x in o.npv)
        assert all(math.isfinite(x) for x in all_numbers(o.to_dict()))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_no_nan_or_infinity_in_the_sensitivity(s):
    for bar in sensitivity(s):
        assert all(math.isfinite(x) for x in all_numbers(bar.to_dict()))


def replace_option(s, **changes):
    return dataclasses.replace(s, options=(s.options[0], dataclasses.replace(s.options[1], **changes)))


@settings(max_examples=80, deadline=None)
@given(scenarios(), st.floats(min_value=100, max_value=50_000))
def test_npv_falls_when_tuition_rises(s, more):
    before = evaluate(s).options[1].npv
    after = evaluate(replace_option(s, tuition_per_year=s.options[1].tuition_per_year + more)).options[1].npv
    assert after < before


@settings(max_examples=80, deadline=None)
@given(scenarios(), st.floats(min_value=100, max_value=50_000))
def test_npv_rises_when_the_target_salary_rises(s, more):
    option = s.options[1]
    before = expected_npvs(s)[1]
    after = expected_npvs(replace_option(s, target_salary=option.target_salary + more))[1]
    starts = option.years + option.job_search_months / 12
    if option.p_complete * option.p_land_role > 0 and starts < s.person.horizon_years:
        assert after > before
    else:  # the role is never landed, or only after the horizon
        assert after == before


@settings(max_examples=80, deadline=None)
@given(scenarios())
def test_no_costs_and_equal_salaries_give_zero_npv(s):
    # No costs, the salary kept while studying and searching, and the same salary whatever happens.
    free = replace_option(
        s, tuition_per_year=0.0, programme_price=0.0, fees_per_year=0.0, extra_housing_per_month=0.0, relocation=0.0,
        scholarships_per_year=0.0, income_share_while_studying=1.0, senior_premium=0.0,
        target_salary=s.person.salary, fallback_salary=s.person.salary, financing=Financing(),
    )
    # With the brackets the salary's spread alone moves the expected value (the tax is progressive):
    # the property is about the cash flows, so it is stated with a linear tax (none, or flat).
    free = dataclasses.replace(free, assumptions=dataclasses.replace(free.assumptions, pre_tax=not free.assumptions.after_tax))
    result = evaluate(free).options[1]
    scale = 1 + s.person.salary * s.person.horizon_years
    assert abs(result.npv) <= 1e-9 * scale
    assert all(abs(b.npv) <= 1e-9 * scale for b in result.branches.values())
