"""Federal and payroll taxes and the education tax rules, against published figures and properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlkit.decision import figures, tax
from mlkit.errors import InputError

incomes = st.floats(min_value=0, max_value=5e6, allow_nan=False)
statuses = st.sampled_from(tax.FILING_STATUSES)


# --- published worked examples -------------------------------------------------------------

# The IRS 2026 rate schedules (announced 9 October 2025; reprinted by CNBC and law-firm
# summaries) state the tax at the top of each bracket: "$5,800 plus 22% of the amount over
# $50,400" and so on. Each pair is (taxable income, tax at that income).
SINGLE_2026 = [(12_400, 1_240), (50_400, 5_800), (105_700, 17_966), (201_775, 41_024), (256_225, 58_448), (640_600, 192_979.25)]
JOINT_2026 = [(24_800, 2_480), (100_800, 11_600), (211_400, 35_932), (403_550, 82_048), (512_450, 116_896), (768_700, 206_583.50)]


@pytest.mark.parametrize("income, expected", SINGLE_2026)
def test_single_tax_at_each_bracket_top_matches_the_irs_2026_schedule(income, expected):
    assert float(tax.federal_income_tax(income, year=2026)) == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize("income, expected", JOINT_2026)
def test_joint_tax_at_each_bracket_top_matches_the_irs_2026_schedule(income, expected):
    assert float(tax.federal_income_tax(income, filing_status="married_filing_jointly")) == pytest.approx(expected, abs=0.005)


def test_tax_inside_a_bracket_follows_the_schedule_formula():
    # IRS 2026 schedule, single: over $105,700 but not over $201,775: $17,966 + 24% of the excess.
    assert float(tax.federal_income_tax(150_000)) == pytest.approx(17_966 + 0.24 * (150_000 - 105_700))
    # Top bracket: $192,979.25 + 37% of the amount over $640,600.
    assert float(tax.federal_income_tax(1_000_000)) == pytest.approx(192_979.25 + 0.37 * 359_400)


def test_standard_deduction_2026():
    # IRS, 9 October 2025: $16,100 single, $32,200 married filing jointly.
    assert tax.standard_deduction() == 16_100
    assert tax.standard_deduction(filing_status="married_filing_jointly") == 32_200


def test_social_security_maximum_2026_matches_ssa():
    # SSA (via Bloomberg Tax, 24 Oct 2025): wage base $184,500, maximum employee tax $11,439.
    wages = 1_000_000.0
    medicare = 0.0145 * wages + 0.009 * (wages - 200_000)
    assert float(tax.payroll_tax(wages)) - medicare == pytest.approx(11_439)
    assert float(tax.payroll_tax(184_500)) == pytest.approx(11_439 + 0.0145 * 184_500)


def test_payroll_marginal_rates_below_and_above_the_thresholds():
    # 7.65% under the wage base; 1.45% above it; 2.35% above the Additional Medicare threshold.
    assert float(tax.payroll_tax(50_001) - tax.payroll_tax(50_000)) == pytest.approx(0.0765)
    assert float(tax.payroll_tax(190_001) - tax.payroll_tax(190_000)) == pytest.approx(0.0145)
    assert float(tax.payroll_tax(210_001) - tax.payroll_tax(210_000)) == pytest.approx(0.0235)
    joint = tax.payroll_tax([240_001.0, 240_000.0, 260_001.0, 260_000.0], filing_status="married_filing_jointly")
    assert joint[0] - joint[1] == pytest.approx(0.0145) and joint[2] - joint[3] == pytest.approx(0.0235)


def test_lifetime_learning_credit_matches_publication_970_example():
    # IRS Publication 970, Lifetime Learning Credit, Example 1: Bruce and Toni Harper, joint
    # MAGI $75,000, $5,000 of qualified expenses: a $1,000 credit (20% x $5,000).
    assert float(tax.lifetime_learning_credit(5_000, 75_000, filing_status="married_filing_jointly")) == 1_000


def test_lifetime_learning_credit_cap_and_phase_out():
    # IRC 25A: 20% of at most $10,000; phased out over MAGI $80,000-$90,000 (single).
    assert tax.lifetime_learning_credit([30_000] * 4, [50_000, 80_000, 85_000, 90_000]).tolist() == [2_000, 2_000, 1_000, 0]
    joint = tax.lifetime_learning_credit(10_000, [160_000, 170_000, 180_000], filing_status="married_filing_jointly")
    assert joint.tolist() == [2_000, 1_000, 0]


def test_graduate_students_get_the_lifetime_learning_credit_not_the_aotc():
    # IRC 25A(b)(2)(A), (C): AOTC only before four years of postsecondary education are done.
    assert tax.american_opportunity_eligible([0, 3, 4, 6]).tolist() == [True, True, False, False]
    assert tax.american_opportunity_eligible(2, years_claimed=4).tolist() is False


def test_student_loan_interest_deduction_cap_and_phase_out_by_the_statute_formula():
    # IRC 221(b): at most $2,500, reduced by (MAGI - start) / $15,000 ($30,000 joint).
    assert float(tax.student_loan_interest_deduction(4_000, 50_000)) == 2_500
    assert float(tax.student_loan_interest_deduction(900, 85_000 + 7_500)) == pytest.approx(450)
    assert float(tax.student_loan_interest_deduction(900, 100_000)) == 0
    joint = tax.student_loan_interest_deduction(3_000, [170_000, 185_000, 200_000], filing_status="married_filing_jointly")
    assert joint.tolist() == [2_500, 1_250, 0]


def test_employer_aid_exclusion_is_5250():
    excluded, taxable = tax.employer_aid_exclusion([0, 3_000, 5_250, 12_000])
    assert excluded.tolist() == [0, 3_000, 5_250, 5_250] and taxable.tolist() == [0, 0, 0, 6_750]


def test_after_tax_income_by_hand():
    # $80,000 single, 5% state, $2,000 student-loan interest deducted, $1,000 LLC.
    agi = 78_000
    federal = 5_800 + 0.22 * (agi - 16_100 - 50_400) - 1_000
    expected = 80_000 - federal - 0.05 * agi - 0.0765 * 80_000
    got = tax.after_tax_income(80_000, state_rate=0.05, above_the_line=2_000, credits=1_000)
    assert float(got) == pytest.approx(expected)


def test_credits_never_make_the_federal_tax_negative():
    # $20,000 gross: taxable $3,900, tax $390; a $2,000 credit only wipes out the $390.
    parts = tax.tax_breakdown(20_000, state_rate=0.0, credits=2_000)
    assert float(parts.federal_before_credits) == pytest.approx(390)
    assert float(parts.credits_used) == pytest.approx(390) and float(parts.federal) == 0
    assert float(parts.net) == pytest.approx(20_000 - 0.0765 * 20_000)


def test_rates_and_edges_come_from_the_figures_file_with_sources():
    for key in ("tax.federal.single.edge_1", "tax.federal.rate_7", "tax.payroll.social_security_wage_base", "tax.llc.rate"):
        row = figures.figure(key)
        assert row.source and row.year and not row.assumption, key
    assert "IRC section 221" in figures.figure("tax.student_loan_interest.cap").source
    assert figures.figure("tax.student_loan_interest.phaseout_start.single", 2026).assumption  # carried forward


def test_a_later_year_uses_the_last_published_brackets_and_an_unknown_status_is_refused():
    assert float(tax.federal_income_tax(90_000, year=2031)) == float(tax.federal_income_tax(90_000, year=2026))
    with pytest.raises(InputError, match="filing_status = 'head_of_household'; expected one of single, married_filing_jointly"):
        tax.federal_income_tax(1, filing_status="head_of_household")


# --- properties --------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(incomes, statuses)
def test_tax_is_never_negative_and_never_more_than_the_income(income, status):
    due = float(tax.federal_income_tax(income, filing_status=status))
    assert 0 <= due <= income * 0.37 + 1e-9


@settings(max_examples=200, deadline=None)
@given(incomes, st.floats(min_value=0.01, max_value=1e5), statuses)
def test_marginal_rate_lies_between_the_lowest_and_the_top_rate(income, step, status):
    low, high = tax.federal_income_tax([income, income + step], filing_status=status)
    slope = (high - low) / step
    assert 0.10 - 1e-6 <= slope <= 0.37 + 1e-6  # continuous and piecewise linear
    assert 0.10 <= float(tax.marginal_rate(income, filing_status=status)) <= 0.37


@settings(max_examples=150, deadline=None)
@given(incomes, st.floats(min_value=0, max_value=0.11), st.floats(min_value=0, max_value=5_000), statuses)
def test_take_home_pay_is_between_zero_and_gross_and_rises_with_gross(gross, state_rate, credits, status):
    net, more = tax.after_tax_income([gross, gross + 1_000], state_rate=state_rate, credits=credits, filing_status=status)
    assert 0 <= net <= gross + 1e-9
    assert more >= net  # every extra dollar is taxed at less than 100%


@settings(max_examples=150, deadline=None)
@given(st.floats(min_value=0, max_value=1e5), st.floats(min_value=0, max_value=3e5), statuses)
def test_education_benefits_stay_within_their_caps_and_fall_with_income(expenses, magi, status):
    credit, credit_richer = tax.lifetime_learning_credit(expenses, [magi, magi + 5_000], filing_status=status)
    assert 0 <= credit_richer <= credit <= min(2_000, 0.2 * expenses) + 1e-9
    deduction, deduction_richer = tax.student_loan_interest_deduction(expenses, [magi, magi + 5_000], filing_status=status)
    assert 0 <= deduction_richer <= deduction <= min(2_500, expenses) + 1e-9


@settings(max_examples=50, deadline=None)
@given(st.lists(incomes, min_size=1, max_size=8), statuses)
def test_array_results_equal_scalar_results(values, status):
    array = np.array(values).reshape(-1, 1)
    fns = [
        lambda x: tax.federal_income_tax(x, filing_status=status),
        lambda x: tax.payroll_tax(x, filing_status=status),
        lambda x: tax.after_tax_income(x, state_rate=0.04, above_the_line=1_500, credits=800, filing_status=status),
        lambda x: tax.lifetime_learning_credit(8_000, x, filing_status=status),
        lambda x: tax.student_loan_interest_deduction(2_000, x, filing_status=status),
    ]
    for fn in fns:
        together = fn(array)
        assert together.shape == array.shape
        assert together.ravel().tolist() == [float(fn(v)) for v in values]


def test_a_monte_carlo_sized_array_is_taxed_in_one_call():
    draws = np.random.default_rng(1).lognormal(11.3, 0.6, size=(10_000, 45))
    net = tax.after_tax_income(draws, state_rate=0.05, above_the_line=1_000, credits=500)
    assert net.shape == draws.shape and np.all(net <= draws) and np.all(net >= 0)
    # Spot-check one draw against the scalar path.
    assert net[1234, 7] == pytest.approx(float(tax.after_tax_income(draws[1234, 7], state_rate=0.05, above_the_line=1_000, credits=500)))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**32 - 1),
    st.floats(min_value=0, max_value=0.11),
    st.floats(min_value=0, max_value=20_000),
    st.floats(min_value=0, max_value=60_000),
    statuses,
)
def test_many_wages_at_once_give_exactly_the_item_by_item_result(seed, state_rate, above, credits, status):
    # after_tax_income interpolates between the kinks for large arrays; tax_breakdown does not.
    rng = np.random.default_rng(seed)
    gross = np.concatenate([rng.lognormal(11.2, 0.9, size=600), [0.0, above, 184_500.0, 200_000.0, 250_000.0]])
    fast = tax.after_tax_income(gross, state_rate=state_rate, above_the_line=above, credits=credits, filing_status=status)
    slow = tax.tax_breakdown(gross, state_rate=state_rate, above_the_line=above, credits=credits, filing_status=status).net
    assert np.allclose(fast, slow, rtol=1e-12, atol=1e-6)
