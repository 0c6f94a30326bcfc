"""The fast paths of the Monte Carlo give the numbers of the plain computation, bit for bit.

- the Repayment Assistance Plan over many loans at once (the loans repaid dropped from the
  arrays at the end of a year) equals a plain month-by-month loop over one loan;
- the land branches' loans of several options simulated together equal one option at a time;
- every branch's loans at its point salary, computed with the grids and finished together,
  equal each computed alone (for any scenario: Hypothesis);
- each draw's NPV read from flat tables over all the draws (one table for the three branches)
  equals the branch-by-branch reading;
- the percentiles taken from sorted rows equal ``np.percentile`` of the draws.
"""

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlkit.decision import cashflows as cf
from mlkit.decision import montecarlo as mc
from mlkit.decision import repayment, simulate
from mlkit.decision.figures import value
from mlkit.decision.inputs import GRADUATE_KINDS, KINDS, Assumptions, Financing, Person, Scenario
from mlkit.decision.kinds import make_option

FIELDS = ("payment", "interest_charged", "interest_waived", "principal_support", "balance", "forgiven", "payments_made")


def reference_schedule(balance: float, annual_rate: float, agis, dependants: int = 0) -> dict:
    """RAP month by month for one loan, on Python floats: the rule as written, the yearly sums added in month order."""
    years = len(agis)
    limit = int(value("rap.forgiveness_payments", repayment.NEW_RULES_YEAR))
    match = value("rap.principal_match", repayment.NEW_RULES_YEAR)
    due = [float(repayment.rap_monthly_payment(agi, dependants=dependants)) for agi in agis]
    rate = annual_rate / 12
    months = min(12 * years, limit)
    sums = {name: [0.0] * years for name in ("interest", "paid", "charged", "cut", "count")}
    after = [0.0] * (12 * years)
    owed = float(balance)
    for m in range(months):
        accrued = owed * rate
        pay = min(due[m // 12], owed + accrued)
        covered = min(pay, accrued)
        cut = min(max(min(pay, match), pay - covered), owed)
        owed -= cut
        y = m // 12
        for name, amount in (("interest", accrued), ("paid", pay), ("charged", covered), ("cut", cut), ("count", float(pay > 0))):
            sums[name][y] += amount
        after[m] = owed
    forgiven = [0.0] * years
    if months == limit:
        forgiven[(limit - 1) // 12] = after[limit - 1]
        after[limit - 1] = 0.0
    paid, charged = np.array(sums["paid"]), np.array(sums["charged"])
    return {
        "payment": paid,
        "interest_charged": charged,
        "interest_waived": np.array(sums["interest"]) - charged,
        "principal_support": np.maximum(np.array(sums["cut"]) - (paid - charged), 0.0),
        "balance": np.array([after[12 * y + 11] if 12 * y + 11 < months else after[months - 1] for y in range(years)]),
        "forgiven": np.array(forgiven),
        "payments_made": np.cumsum(sums["count"]),
        "monthly_balance": np.array(after),
    }


@st.composite
def loans(draw):
    """A few loans with their AGI paths: balances from none to large, incomes from nothing to high, any growth."""
    count = draw(st.integers(2, 9))
    years = draw(st.sampled_from([5, 12, 30, 31, 35]))
    rows = []
    for _ in range(count):
        balance = draw(st.one_of(st.just(0.0), st.floats(100, 300_000)))
        rate = draw(st.floats(0.0, 0.12))
        income = draw(st.floats(0, 400_000))
        growth = draw(st.floats(0.9, 1.12))
        bumps = draw(st.lists(st.floats(0.5, 1.5), min_size=years, max_size=years))
        agis = [income * growth**k * bump for k, bump in enumerate(bumps)]
        rows.append((balance, rate, agis, draw(st.integers(0, 4))))
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loans())
def test_rap_over_many_loans_equals_the_plain_loop_over_each(rows):
    balances, rates, agis, dependants = (np.array(column, dtype=float) for column in zip(*rows))
    together = repayment.rap_schedule(balances, rates, agis, dependants=dependants, monthly=True)
    for i, (balance, rate, path, count) in enumerate(rows):
        expected = reference_schedule(balance, rate, path, count)
        alone = repayment.rap_schedule(balance, rate, path, dependants=count, monthly=True)
        for name in (*FIELDS, "monthly_balance"):
            assert np.array_equal(getattr(together, name)[i], expected[name]), (name, i)
            assert np.array_equal(getattr(alone, name), expected[name]), (name, "alone")


def test_rap_over_many_loans_keeps_the_shape_of_the_batch_and_the_early_and_late_repayers():
    # Incomes from $15,000 to $300,000 on a $60,000 balance: some repay in a few years, some never.
    incomes = np.geomspace(15_000, 300_000, 12).reshape(3, 4)
    paths = incomes[..., None] * 1.02 ** np.arange(30)
    together = repayment.rap_schedule(60_000, 0.07, paths)
    assert together.payment.shape == (3, 4, 30)
    repaid = (together.balance[..., -1] == 0) & (together.forgiven.sum(axis=-1) == 0)
    assert repaid.any() and not repaid.all()  # both kinds are there
    for index in np.ndindex(3, 4):
        expected = reference_schedule(60_000, 0.07, paths[index])
        for name in FIELDS:
            assert np.array_equal(getattr(together, name)[index], expected[name]), (name, index)


def rap_scenario(share: float = 0.8, dependants: int = 0, salary: float = 58_260) -> Scenario:
    def option(kind):
        if kind == "stay":
            return make_option(kind)
        money = Financing(borrow_share=share, plan="rap", dependants=dependants) if kind in GRADUATE_KINDS else Financing(borrow_share=share)
        return make_option(kind, financing=money)

    return Scenario(Person(age=25, salary=salary, retirement_age=65), tuple(option(kind) for kind in KINDS), Assumptions(draws=4_000))


@pytest.mark.parametrize("share, dependants, salary", [(0.8, 0, 58_260), (1.0, 2, 30_000), (0.4, 1, 95_000)])
def test_land_loans_of_several_options_together_equal_one_option_at_a_time(share, dependants, salary):
    s = rap_scenario(share, dependants, salary)
    cf.clear_caches()
    together = cf.scenario_tables(s.options, s.person, s.assumptions)
    rap = [t for t in together if t.loans_vary and t._option.financing.plan == "rap"]
    assert len(rap) >= 2  # the batch is exercised
    for t in together:
        alone = cf.land_loan_flows(t._option, s.person, s.assumptions, t.grid)
        assert np.array_equal(t.land_loan_rows(), alone), t._option.kind


def branch_by_branch(s: Scenario, draws: mc.Draws) -> np.ndarray:
    """:func:`mc.npv_draws` ("outcomes" mode) the plain way: the draws split by branch, each read on its own."""
    out = np.empty((len(s.options), draws.size))
    for i, option in enumerate(s.options):
        tables = cf.branch_tables(option, s.person, s.assumptions)
        d = draws.options[i]
        code = mc._branch_codes(option, d, draws.size, cf.branches(option, s.person, s.assumptions)[0].probability)
        work_start = tables.ends[code] + d.job_search_years
        for branch in (0, 1, 2):
            chosen = code == branch
            if not chosen.any():
                continue
            if branch == 0:
                where = tables.locate(draws.salary_z[chosen]) if tables.gridded else None
                out[i, chosen] = tables.land_value(work_start[chosen], draws.salary_z[chosen], where)
            else:
                out[i, chosen] = tables.branch_value(branch, work_start[chosen])
    return out


@pytest.mark.parametrize("pre_tax", [False, True], ids=["after-tax", "pre-tax"])
@pytest.mark.parametrize("loans", [False, True], ids=["no-loans", "rap"])
def test_npv_of_each_draw_from_flat_tables_equals_the_branch_by_branch_reading(pre_tax, loans):
    s = rap_scenario() if loans else rap_scenario(share=0.0)
    s = dataclasses.replace(s, assumptions=dataclasses.replace(s.assumptions, pre_tax=pre_tax))
    s = dataclasses.replace(s, options=tuple(dataclasses.replace(o, senior_premium=15_000.0, senior_after_years=2) if o.kind == "bootcamp" else o
                                             for o in s.options))
    draws = mc.draw(s, 20_000, np.random.default_rng(4))
    assert np.array_equal(mc.npv_draws(s, draws), branch_by_branch(s, draws))


def test_percentiles_from_sorted_rows_equal_numpy_percentile_of_the_draws():
    result = simulate(rap_scenario(), draws=5_001, seed=2)
    for option in result.options:
        expected = np.percentile(option.npv, mc.PERCENTILES)
        assert [option.percentiles[p] for p in mc.PERCENTILES] == expected.tolist(), option.name


@pytest.mark.parametrize("n", [1, 2, 3, 4, 21, 1_000, 99_999, 100_000])
def test_percentiles_equal_numpy_percentile_for_any_number_of_draws(n):
    rng = np.random.default_rng(n)
    values = rng.lognormal(10, 1, (3, n)) - 30_000
    values[1] = np.round(values[1], -4)  # many ties
    values[2, : n // 2] = 0.0
    assert np.array_equal(mc.percentiles(values), np.percentile(values, mc.PERCENTILES, axis=1))
    with_nan = values.copy()
    with_nan[0, 0] = np.nan
    assert np.array_equal(mc.percentiles(with_nan), np.percentile(with_nan, mc.PERCENTILES, axis=1), equal_nan=True)


def loans_one_at_a_time(s: Scenario) -> tuple[dict, dict]:
    """Every branch's loans at its point salary, and the land branch's on the grid, each computed alone (no batch, no cache)."""
    single, grids = {}, {}
    for option in s.options:
        follows = cf.loans_follow_salary(option, s.assumptions)
        for i, b in enumerate(cf.branches(option, s.person, s.assumptions)):
            income = cf.branch_income(option, s.person, b) if follows else None
            key = cf._loan_key(option, s.person, s.assumptions, float(b.study_end), income)
            if key is not None and (i or not follows):
                money, kind, years, person, assumptions, income = key
                single[key] = cf._loan_rows(money, kind, years, person, assumptions, income)[0]
        if follows:
            grids[option] = cf.land_loan_flows(option, s.person, s.assumptions, cf.branch_tables(option, s.person, s.assumptions).grid)
    return single, grids


def check_loans_together_equal_alone(s: Scenario) -> None:
    cf.clear_caches()
    together = cf.scenario_tables(s.options, s.person, s.assumptions)
    single, grids = loans_one_at_a_time(s)
    for key, expected in single.items():
        assert np.array_equal(cf._LOAN_FLOWS[key], expected), key[1:3]
    for option, t in zip(s.options, together):
        if option in grids:
            assert np.array_equal(t.land_loan_rows(), grids[option]), option.kind
    cf.clear_caches()


@pytest.mark.parametrize("pre_tax", [False, True], ids=["after-tax", "pre-tax"])
@pytest.mark.parametrize("share, dependants, salary", [(0.8, 0, 58_260), (1.0, 2, 30_000), (0.4, 1, 95_000)])
def test_every_branch_loans_computed_together_equal_each_alone(share, dependants, salary, pre_tax):
    s = rap_scenario(share, dependants, salary)
    s = dataclasses.replace(s, assumptions=dataclasses.replace(s.assumptions, pre_tax=pre_tax))
    check_loans_together_equal_alone(s)


@st.composite
def financed_scenarios(draw):
    """Every option kind borrowing a share of its costs on a plan each, for people of any income, before or after tax."""
    plans = st.sampled_from(["rap", "auto", "tiered"])

    def option(kind):
        if kind == "stay":
            return make_option(kind)
        plan = draw(plans) if kind in GRADUATE_KINDS else "auto"
        money = Financing(borrow_share=draw(st.sampled_from([0.0, 0.3, 0.8, 1.0])), plan=plan, dependants=draw(st.integers(0, 3)),
                          private_rate=draw(st.sampled_from([0.05, 0.09, 0.14])))
        return make_option(kind, financing=money)

    person = Person(age=draw(st.integers(22, 55)), salary=draw(st.floats(15_000, 250_000)), retirement_age=65)
    assumptions = Assumptions(pre_tax=draw(st.booleans()), state_rate=draw(st.sampled_from([0.0, 0.05])))
    return Scenario(person, tuple(option(kind) for kind in KINDS), assumptions)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(financed_scenarios())
def test_loans_of_every_option_and_branch_together_equal_each_alone_for_any_scenario(s):
    check_loans_together_equal_alone(s)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(financed_scenarios(), st.integers(0, 2**32 - 1))
def test_npv_of_each_draw_from_one_table_equals_the_branch_by_branch_reading_for_any_scenario(s, seed):
    cf.clear_caches()
    draws = mc.draw(s, 3_000, np.random.default_rng(seed))
    assert np.array_equal(mc.npv_draws(s, draws), branch_by_branch(s, draws))


def test_branch_counts_equal_bincount():
    codes = np.random.default_rng(0).integers(0, 3, 10_001).astype(np.int8)
    for code in (codes, np.zeros(5, dtype=np.int8), np.full(7, 2, dtype=np.int8), np.zeros(0, dtype=np.int8)):
        assert np.array_equal(mc._branch_counts(code), np.bincount(code, minlength=3))
