"""Repayment plans of P.L. 119-21: RAP, the tiered standard plan and the new loan limits."""

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlkit.decision import figures, loans, repayment
from mlkit.errors import InputError

agis = st.floats(min_value=-5e4, max_value=1e6, allow_nan=False)


# --- published worked examples: the RAP payment ------------------------------------------------

# 34 C.F.R. 685.209(b)(2) as revised by the final rule of 1 May 2026 (91 FR 23768), in the
# worked table of an open-source loan engine's verification notes: AGI -> monthly payment
# with no dependants. "More than $50,000 and not more than $60,000 is 5 percent", so an AGI
# on a band edge takes the lower band.
RULE_TABLE = [(10_000, 10.00), (60_000, 250.00), (60_001, 300.01), (100_000, 750.00), (100_001, 833.34)]


@pytest.mark.parametrize("agi, monthly", RULE_TABLE)
def test_rap_payment_matches_the_table_read_from_the_final_rule(agi, monthly):
    # The table gives cents ($3,600.06 / 12 = $300.005 is shown as $300.01): within half a cent.
    assert float(repayment.rap_monthly_payment(agi)) == pytest.approx(monthly, abs=0.0051)


def test_rap_payment_matches_published_explanations():
    # Student Loan Planner, "Repayment Assistance Plan (RAP) Explained": 10% of $120,000 AGI
    # means $1,000 per month.
    assert float(repayment.rap_monthly_payment(120_000)) == pytest.approx(1_000)
    # Enduring Wealth (Oct 2025): "at $20,000 the payment is $200 divided by 12 or $16.67".
    assert round(float(repayment.rap_monthly_payment(20_000)), 2) == 16.67
    # Every explainer: an AGI of $10,000 or less pays the $10 minimum ($120 a year).
    assert repayment.rap_monthly_payment([0, 5_000, 9_999.99]).tolist() == [10, 10, 10]


def test_rap_bands_are_one_point_per_10000_of_the_whole_agi():
    agi = np.array([15_000, 25_000, 35_000, 45_000, 55_000, 65_000, 75_000, 85_000, 95_000, 250_000])
    rates = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) / 100
    assert np.allclose(repayment.rap_base_payment(agi), rates * agi)


def test_dependant_reduction_is_taken_from_the_monthly_amount():
    # 34 CFR 685.209(f)(5): the base payment divided by 12, minus $50 for each dependant.
    # $36,000 AGI: 3% -> $1,080 a year -> $90 a month; one dependant $40; two: the $10 minimum.
    assert repayment.rap_monthly_payment(36_000, dependants=[0, 1, 2, 5]).tolist() == [90, 40, 10, 10]


@pytest.mark.parametrize("bad", [-1, 1.5, float("nan"), float("inf")])
def test_a_bad_number_of_dependants_is_refused(bad):
    with pytest.raises(InputError, match="dependants = .*expected a whole number of dependants, 0 or more"):
        repayment.rap_monthly_payment(50_000, dependants=bad)


# --- published worked examples: interest, principal support and forgiveness --------------------

def test_ten_dollar_payment_that_covers_no_principal_is_matched_by_ten_dollars():
    # r/StudentLoans explainer quoting the statute's matching principal payment: "if your
    # payment is $10 and nothing goes to principal from that payment they will reduce your
    # principal by $10". $100,000 at 8%: $666.67 interest a month, all but $10 waived.
    s = repayment.rap_schedule(100_000, 0.08, [5_000] * 2)
    assert s.payment[0] == pytest.approx(120)
    assert s.principal_support[0] == pytest.approx(120)  # 12 x $10
    assert s.interest_waived[0] == pytest.approx(100_000 * 0.08 - 120, rel=1e-3)
    assert s.balance.tolist() == pytest.approx([100_000 - 120, 100_000 - 240])


def test_principal_falls_by_at_least_fifty_dollars_when_the_payment_allows():
    # Payment $50 a month ($30,000 AGI), all of it interest on a $30,000 loan at 7%: the
    # Secretary reduces principal by $50, so the balance falls $600 a year.
    s = repayment.rap_schedule(30_000, 0.07, [30_000] * 3)
    assert s.principal_support.tolist() == pytest.approx([600, 600, 600])
    assert s.balance.tolist() == pytest.approx([29_400, 28_800, 28_200])
    assert s.interest_charged.tolist() == pytest.approx(s.payment.tolist())  # every payment goes to interest


def test_no_match_when_the_payment_repays_fifty_dollars_of_principal():
    # $120,000 AGI pays $1,000 a month on $20,000 at 6%: principal falls far more than $50.
    s = repayment.rap_schedule(20_000, 0.06, [120_000] * 3)
    assert s.principal_support.sum() == 0 and s.interest_waived.sum() == 0
    assert s.total_paid == pytest.approx(npf.nper(0.005, -1_000, 20_000) * 1_000, rel=1e-3)
    assert s.balance[-1] == 0


def test_forgiveness_comes_with_the_360th_payment_and_not_before():
    # savingforcollege.org: "Anything left after 30 years (360 payments) is forgiven."
    s = repayment.rap_schedule(80_000, 0.0794, [25_000] * 35)
    assert np.flatnonzero(s.forgiven).tolist() == [29]
    assert s.payments_made[29] == 360 and s.payments_made[-1] == 360
    assert s.balance[28] > 0 and s.balance[29] == 0 and s.payment[30:].sum() == 0
    short = repayment.rap_schedule(80_000, 0.0794, [25_000] * 29)
    assert short.forgiven.sum() == 0 and short.balance[-1] == pytest.approx(s.balance[28])


def test_rap_figures_cite_the_statute():
    for key in ("rap.band_width", "rap.dependant_reduction", "rap.minimum_payment", "rap.principal_match", "rap.forgiveness_payments"):
        row = figures.figure(key)
        assert "P.L. 119-21" in row.source and "455(q)" in row.source and not row.assumption, key


# --- properties ------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(agis, st.floats(min_value=0, max_value=5e4), st.integers(min_value=0, max_value=6))
def test_rap_payment_is_at_least_ten_dollars_and_rises_with_agi(agi, raise_, dependants):
    low, high = repayment.rap_monthly_payment([agi, agi + raise_], dependants=dependants)
    assert 10 <= low <= high
    assert float(repayment.rap_monthly_payment(agi, dependants=dependants + 1)) <= low
    assert low <= max(10, 0.10 * max(agi, 0) / 12) + 1e-9


@settings(max_examples=40, deadline=None)
@given(
    st.floats(min_value=0, max_value=3e5),
    st.floats(min_value=0, max_value=0.15),
    st.lists(st.floats(min_value=0, max_value=3e5), min_size=1, max_size=40),
    st.integers(min_value=0, max_value=3),
)
def test_rap_schedule_accounts_for_every_dollar(balance, rate, agi_path, dependants):
    s = repayment.rap_schedule(balance, rate, agi_path, dependants=dependants)
    principal_paid = s.payment - s.interest_charged
    assert np.all(principal_paid >= -1e-6) and np.all(s.interest_waived >= -1e-6)
    # Start = principal repaid + principal support + forgiven + what is still owed.
    assert principal_paid.sum() + s.principal_support.sum() + s.forgiven.sum() + s.balance[-1] == pytest.approx(balance, abs=1e-4)
    # No negative amortisation: the balance never rises.
    assert np.all(np.diff(np.concatenate([[balance], s.balance])) <= 1e-6)
    # Forgiveness exactly with the 360th payment, when the path is that long.
    forgiven_years = np.flatnonzero(s.forgiven > 0).tolist()
    assert forgiven_years in ([], [29])
    if len(agi_path) >= 30:
        assert s.balance[29] == 0 and s.balance[-1] == 0


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.floats(min_value=0, max_value=2e5), st.floats(min_value=0, max_value=2e5)), min_size=1, max_size=6))
def test_rap_schedule_over_draws_equals_one_draw_at_a_time(pairs):
    balances = np.array([b for b, _ in pairs])
    paths = np.array([[agi * (1.03 ** t) for t in range(32)] for _, agi in pairs])
    together = repayment.rap_schedule(balances, 0.0794, paths, dependants=1)
    for i, (balance, _) in enumerate(pairs):
        alone = repayment.rap_schedule(balance, 0.0794, paths[i], dependants=1)
        for name in ("payment", "interest_charged", "interest_waived", "principal_support", "balance", "forgiven", "payments_made"):
            assert getattr(together, name)[i].tolist() == getattr(alone, name).tolist(), name


def test_rap_schedule_takes_ten_thousand_draws_in_one_call():
    agi = np.random.default_rng(3).lognormal(11, 0.6, size=(10_000, 30))
    s = repayment.rap_schedule(60_000, 0.0794, agi)
    assert s.payment.shape == (10_000, 30) and np.all(s.balance[:, -1] == 0)


@pytest.mark.parametrize("kwargs, field", [
    (dict(balance=-1.0, annual_rate=0.05, agi_by_year=[1.0]), "balance"),
    (dict(balance=1.0, annual_rate=float("nan"), agi_by_year=[1.0]), "annual_rate"),
    (dict(balance=1.0, annual_rate=0.05, agi_by_year=[]), "agi_by_year"),
    (dict(balance=1.0, annual_rate=0.05, agi_by_year=[float("inf")]), "agi_by_year"),
])
def test_rap_schedule_refuses_bad_input_naming_it(kwargs, field):
    with pytest.raises(InputError, match=f"^{field}"):
        repayment.rap_schedule(**kwargs)


# --- the tiered standard plan and the limits -----------------------------------------------------

def test_tiered_terms_by_balance_band():
    # 34 CFR 685.208(c)(1)(iii): less than $25,000: 10 years; $25,000 up to $50,000: 15;
    # $50,000 up to $100,000: 20; $100,000 or more: 25 ("equal to or greater than" -> longer).
    balances = [1, 24_999.99, 25_000, 49_999, 50_000, 99_999.99, 100_000, 1e6]
    assert repayment.tiered_standard_term(balances).tolist() == [10, 10, 15, 15, 20, 20, 25, 25]
    assert repayment.tiered_standard_term(balances).tolist() == [loans.tiered_term_years(b) for b in balances]


def test_tiered_schedule_is_the_level_payment_of_its_term():
    s = repayment.tiered_standard_schedule(41_000, 0.0794)
    assert s.years == 15
    assert s.monthly_payment == pytest.approx(-npf.pmt(0.0794 / 12, 180, 41_000), rel=1e-12)
    assert s.total_paid == pytest.approx(180 * s.monthly_payment)
    assert s.total_interest == pytest.approx(180 * s.monthly_payment - 41_000)
    # Interest of year 1 is what numpy-financial's ipmt gives for months 1-12.
    assert s.interest[0] == pytest.approx(-npf.ipmt(0.0794 / 12, np.arange(1, 13), 180, 41_000).sum(), rel=1e-9)
    assert s.balance[-1] == pytest.approx(0, abs=1e-6) and np.all(np.diff(s.balance) < 0)


def test_tiered_schedule_without_interest_and_bad_input():
    s = repayment.tiered_standard_schedule(12_000, 0.0)
    assert s.years == 10 and s.monthly_payment == pytest.approx(100) and s.total_interest == pytest.approx(0)
    with pytest.raises(InputError, match="balance = -5"):
        repayment.tiered_standard_schedule(-5, 0.05)


def test_new_loan_limits_with_their_sections():
    limits = repayment.new_loan_limits()
    assert (limits.graduate_annual, limits.graduate_aggregate) == (20_500, 100_000)
    assert (limits.professional_annual, limits.professional_aggregate, limits.lifetime) == (50_000, 200_000, 257_500)
    assert limits.grad_plus_available is False
    assert all("P.L. 119-21" in text and "81001" in text for text in limits.sections.values())
