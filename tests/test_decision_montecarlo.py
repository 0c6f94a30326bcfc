"""The Monte Carlo: seeded, vectorised, and equal to the explicit (draws, years) flows."""

import dataclasses
import math

import numpy as np
import pytest

from mlkit.decision import evaluate, example_scenario, simulate
from mlkit.decision import montecarlo as mc
from mlkit.decision.inputs import Assumptions, Option, Person, Scenario


def with_assumptions(scenario, **changes):
    return dataclasses.replace(scenario, assumptions=dataclasses.replace(scenario.assumptions, **changes))


def test_same_seed_same_result_other_seed_other_result():
    s = example_scenario()
    a, b = simulate(s, draws=2_000, seed=5), simulate(s, draws=2_000, seed=5)
    for x, y in zip(a.options, b.options):
        assert np.array_equal(x.npv, y.npv)
    c = simulate(s, draws=2_000, seed=6)
    assert not np.array_equal(a.options[1].npv, c.options[1].npv)


def test_default_draws_and_seed_come_from_the_scenario():
    s = with_assumptions(example_scenario(), draws=1_234, seed=9)
    result = simulate(s)
    assert (result.draws, result.seed) == (1_234, 9) and result.options[0].npv.shape == (1_234,)


@pytest.mark.parametrize("pre_tax", [True, False], ids=["pre-tax", "after-tax"])
@pytest.mark.parametrize("mode", ["outcomes", "expected"])
def test_tail_sums_equal_the_explicit_flow_matrix(mode, pre_tax):
    s = with_assumptions(example_scenario(), monte_carlo=mode, pre_tax=pre_tax)
    s = dataclasses.replace(s, options=(*s.options, Option("Senior", "self_study", years=1, p_complete=0.7, p_land_role=0.5,
                                                          target_role="data_scientist", senior_premium=20_000, senior_after_years=3,
                                                          job_search_months=3)))
    draws = mc.draw(s, 3_000, np.random.default_rng(1))
    fast = mc.npv_draws(s, draws)
    # Pre-tax the tables are exact; with the brackets the land branch is read between grid salaries
    # (the tax bends at bracket edges), a few dollars at most.
    tolerance = {"rtol": 1e-9, "atol": 1e-6} if pre_tax else {"rtol": 0, "atol": 50.0}
    if mode == "outcomes":
        np.testing.assert_allclose(fast, mc.npv_matrix(s, draws), **tolerance)
    else:  # expected mode: each draw is the probability-weighted sum of its three branch flows
        from mlkit.decision.cashflows import branches, flows, land_loan_flows, loan_flows, stage_factors

        for i in (1, len(s.options) - 1):
            option = s.options[i]
            d = draws.options[i]
            target = mc.target_salaries(s, option, draws)
            discount = 1.03 ** -np.arange(s.person.horizon_years)
            land, fallback, dropout = branches(option, s.person, s.assumptions)
            total = 0
            for weight, b, salary in ((d.p_complete * d.p_land_role, land, target), (d.p_complete * (1 - d.p_land_role), fallback, fallback.salary),
                                      (1 - d.p_complete, dropout, dropout.salary)):
                stage = stage_factors(option, s.person, b.work_start) if b is land else None
                matrix = flows(option, s.person, s.assumptions, study_end=b.study_end, work_start=b.study_end + d.job_search_years,
                               salary=salary, senior_premium=b.senior_premium, senior_start=b.senior_start, stage=stage)
                # The loans, with the income of the branch (after tax the interest deduction follows each draw's salary).
                if b is land and not pre_tax:
                    matrix = matrix + land_loan_flows(option, s.person, s.assumptions, target)
                else:
                    matrix = matrix + loan_flows(option, s.person, s.assumptions, branch=b.name)
                total = total + weight * (matrix @ discount)
            np.testing.assert_allclose(fast[i], total, **tolerance)


def test_lognormal_spread_from_the_published_range_and_mean_at_the_point_target():
    # ML engineer range $72,600-$170,000 read as the central 90%: sigma ln(170,000 / 72,600) / (2 * 1.6449);
    # the mean is the role's average ($120,883), the figure the expected-value NPV uses.
    option = Option("MS", "masters_in_person", p_land_role=1.0, target_role="ml_engineer")
    median, sigma = option.salary_spread(0.90)
    assert sigma == pytest.approx(math.log(170_000 / 72_600) / (2 * 1.6448536), rel=1e-6)
    assert median == pytest.approx(120_883 * math.exp(-sigma**2 / 2))
    s = Scenario(Person(), (option,))
    salaries = mc.target_salaries(s, option, mc.draw(s, 200_000, np.random.default_rng(0)))
    low, high = np.percentile(salaries, [5, 95])
    assert high / low == pytest.approx(170_000 / 72_600, rel=0.01)
    assert salaries.mean() == pytest.approx(120_883, rel=0.005)


def test_an_own_target_salary_keeps_the_relative_spread_and_is_the_mean():
    option = Option("MS", "masters_in_person", p_land_role=1.0, target_salary=90_000)
    median, sigma = option.salary_spread(0.90)
    assert sigma == pytest.approx(Option("x", target_role="ml_engineer", p_land_role=1).salary_spread(0.9)[1])
    assert median * math.exp(sigma**2 / 2) == pytest.approx(90_000)


def test_certain_outcomes_give_the_deterministic_npv():
    # Salary known exactly (a tiny range), no gap, certain completion and role: every draw equals the deterministic NPV.
    option = Option("MS", "masters_in_person", years=2, tuition_per_year=20_000, income_share_while_studying=0,
                    p_complete=1.0, p_land_role=1.0, target_salary=100_000, target_salary_range=(99_999.99, 100_000.01))
    s = Scenario(Person(age=30, salary=60_000), (Option("Stay"), option))
    dist = simulate(s, draws=500, seed=0).option("MS")
    deterministic = evaluate(s).option("MS").npv
    np.testing.assert_allclose(dist.npv, deterministic, rtol=1e-6)
    assert dist.prob_loss == 0 and dist.branch_shares == {"land": 1.0, "fallback": 0.0, "dropout": 0.0}


def test_branch_shares_follow_the_probabilities():
    s = example_scenario()
    dist = simulate(s, draws=100_000, seed=3).option("Full-time bootcamp")
    # 0.85 * 0.5, 0.85 * 0.5, 0.15 (3 standard errors of a share of 100,000 draws: about 0.005).
    assert dist.branch_shares["land"] == pytest.approx(0.425, abs=0.005)
    assert dist.branch_shares["dropout"] == pytest.approx(0.15, abs=0.005)


def test_mean_close_to_the_expected_value_with_an_own_target_salary():
    option = Option("MS", "masters_in_person", years=1, tuition_per_year=10_000, income_share_while_studying=0,
                    p_complete=0.8, p_land_role=0.6, target_salary=90_000, job_search_months=0)
    s = Scenario(Person(age=30, salary=60_000), (option,), Assumptions(draws=200_000))
    expected = evaluate(s).option("MS").npv
    dist = simulate(s).option("MS")
    assert abs(dist.mean - expected) < 4 * dist.npv.std() / math.sqrt(dist.npv.size)


def test_probabilities_sum_and_percentiles_order():
    result = simulate(example_scenario(), draws=5_000, seed=0)
    assert sum(o.prob_best for o in result.options) == pytest.approx(1)
    for o in result.options:
        values = [o.percentiles[p] for p in mc.PERCENTILES]
        assert values == sorted(values)
        assert o.prob_loss == pytest.approx(np.mean(o.npv < -1e-6))
    assert result.option("Stay").prob_loss == 0


def test_prob_best_counts_the_first_option_on_ties():
    values = np.array([[1.0, 5.0, 2.0], [1.0, 4.0, 3.0], [0.0, 5.0, 3.0]])
    assert mc._argmax_rows(values).tolist() == [0, 0, 1]
    assert mc._argmax_rows(values).tolist() == np.argmax(values, axis=0).tolist()


def test_expected_mode_draws_probabilities_from_beta():
    s = with_assumptions(example_scenario(), monte_carlo="expected", probability_concentration=20.0)
    draws = mc.draw(s, 50_000, np.random.default_rng(0))
    p = draws.options[1].p_complete
    # Beta(0.85 * 20, 0.15 * 20): mean 0.85, variance 0.85 * 0.15 / 21.
    assert p.mean() == pytest.approx(0.85, abs=0.002)
    assert p.var() == pytest.approx(0.85 * 0.15 / 21, rel=0.03)
    fixed = mc.draw(with_assumptions(s, draw_probabilities=False), 10, np.random.default_rng(0))
    assert fixed.options[1].p_complete == 0.85
    result = simulate(s, draws=2_000)
    assert result.options[1].branch_shares is None


def test_job_search_gap_is_gamma_with_the_option_mean():
    s = example_scenario()
    gap = mc.draw(s, 100_000, np.random.default_rng(0)).options[1].job_search_years
    assert gap.min() >= 0
    assert gap.mean() == pytest.approx(4 / 12, rel=0.01)
    assert gap.std() / gap.mean() == pytest.approx(0.5, rel=0.02)  # gamma shape 4


def test_to_dict_is_plain_data():
    import json

    data = simulate(example_scenario(), draws=100).to_dict()
    assert json.loads(json.dumps(data)) == data
