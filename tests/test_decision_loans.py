"""Loans against published worked examples and hand calculations."""

from datetime import date

import numpy_financial as npf
import pytest

from mlkit.decision import loans
from mlkit.decision.inputs import Assumptions, Financing, Option, Person, Scenario
from mlkit.errors import InputError


def masters(years=2.0, kind="masters_in_person", **money):
    return Option("MS", kind, years=years, tuition_per_year=40_000, p_land_role=1.0, target_salary=100_000,
                  financing=Financing(**money))


def summary(option, start="2027-08-16", person=None, **assumptions):
    person = person or Person(age=30, salary=60_000, salary_growth=0.0)
    a = Assumptions(start_date=start, **assumptions)
    Scenario(person, (option,), a)  # validates the limits
    return loans.summarise(option, person, a)


# --- published worked examples -------------------------------------------------------------

def test_payment_matches_the_numpy_financial_docs_example():
    # numpy-financial docs, pmt: "$200,000 loan in 15 years at 7.5%" -> -1854.0247200054619.
    assert loans.monthly_payment(200_000, 0.075, 15 * 12) == pytest.approx(1854.0247200054619, rel=1e-12)


def test_standard_ten_year_payment_matches_nerdwallet_worked_example():
    # NerdWallet, "Student Loan Interest Calculator: Step by Step": $27,000 at 5.50% on the
    # 10-year standard plan is "about $293" a month.
    assert round(loans.monthly_payment(27_000, 0.055, 120)) == 293


def test_standard_payment_by_the_amortisation_formula():
    # Hand calculation with P = r B / (1 - (1 + r) ** -n): $10,000 at 6.8% over 120 months
    # is $115.08 (the figure federal loan examples quote for this loan).
    r = 0.068 / 12
    by_hand = r * 10_000 / (1 - (1 + r) ** -120)
    assert round(by_hand, 2) == 115.08
    assert loans.monthly_payment(10_000, 0.068, 120) == pytest.approx(by_hand, rel=1e-12)


def test_simple_daily_interest_matches_published_example():
    # LegalClarity, citing Aidvantage and Edfinancial: $20,000 at 6%: $1,200 a year, about
    # $3.29 a day, about $98.63 over a 30-day cycle.
    assert loans.simple_interest(20_000, 0.06, 365) == pytest.approx(1_200)
    assert round(loans.simple_interest(20_000, 0.06, 1), 2) == 3.29
    assert round(loans.simple_interest(20_000, 0.06, 30), 2) == 98.63


def test_total_interest_equals_the_sum_of_interest_parts():
    # n * pmt - B must equal the interest parts numpy-financial's ipmt gives month by month.
    balance, rate, months = 30_000, 0.0794, 180
    total = loans.monthly_payment(balance, rate, months) * months - balance
    parts = -npf.ipmt(rate / 12, range(1, months + 1), months, balance).sum()
    assert total == pytest.approx(parts, rel=1e-9)


# --- accrual, capitalisation, plans ---------------------------------------------------------

def test_interest_accrues_from_each_disbursement_through_school_and_six_months_grace():
    s = summary(masters(federal_unsubsidised_per_year=20_500))
    first, second = s.loans
    assert (first.disbursed, second.disbursed) == ("2027-08-16", "2028-08-16")
    # Study of 2 years (730 days) ends 2029-08-15; repayment starts six months later.
    assert s.repayment_start == "2030-02-15"
    days_first = (date(2030, 2, 15) - date(2027, 8, 16)).days
    days_second = (date(2030, 2, 15) - date(2028, 8, 16)).days
    assert (days_first, days_second) == (914, 548)
    assert first.accrued_interest == pytest.approx(20_500 * 0.0794 * 914 / 365)
    assert second.accrued_interest == pytest.approx(20_500 * 0.0794 * 548 / 365)
    assert s.accrued_interest == pytest.approx(first.accrued_interest + second.accrued_interest)
    assert s.borrowed == 41_000 and s.received == pytest.approx(41_000 * (1 - 0.01057))


def test_new_loans_use_the_tiered_plan_by_balance():
    s = summary(masters(federal_unsubsidised_per_year=20_500))
    balance = s.balance_at_repayment
    assert 25_000 <= balance < 50_000
    assert (s.plan, s.federal_months) == ("tiered", 15 * 12)
    # Capitalised: each loan amortised on principal + accrued interest over 180 months.
    r = 0.0794 / 12
    by_hand = sum(r * (loan.principal + loan.accrued_interest) / (1 - (1 + r) ** -180) for loan in s.loans)
    assert s.monthly_payment == pytest.approx(by_hand)
    assert s.total_interest == pytest.approx(by_hand * 180 - 41_000)


def test_tiered_terms_at_the_thresholds():
    assert [loans.tiered_term_years(b) for b in (0, 24_999.99, 25_000, 49_999, 50_000, 99_999, 100_000, 250_000)] == [
        10, 10, 15, 15, 20, 20, 25, 25,
    ]


def test_a_large_balance_gets_25_years():
    s = summary(masters(federal_unsubsidised_per_year=20_500, private_per_year=0.0, years=4), person=Person(age=30, salary_growth=0.0))
    assert s.balance_at_repayment >= 100_000 and s.federal_months == 25 * 12


def test_loans_before_july_2026_use_the_standard_120_payment_plan():
    s = summary(masters(federal_unsubsidised_per_year=20_500, years=1), start="2025-08-18")
    assert (s.plan, s.federal_months) == ("standard", 120)
    assert s.loans[0].rate == 0.0794 and s.loans[0].academic_year == "2025-26"


def test_fifty_dollar_minimum_shortens_the_term():
    s = summary(masters(federal_unsubsidised_per_year=2_000, years=1), start="2025-08-18")
    balance = s.balance_at_repayment
    assert loans.monthly_payment(balance, 0.0794, 120) < 50
    months = npf.nper(0.0794 / 12, -50, balance)
    assert s.monthly_payment == 50 and s.federal_months == int(-(-months // 1))
    assert s.total_paid == pytest.approx(50 * months)


def test_capitalisation_switch():
    on = summary(masters(federal_unsubsidised_per_year=20_500, capitalise=True))
    off = summary(masters(federal_unsubsidised_per_year=20_500, capitalise=False))
    assert off.monthly_payment < on.monthly_payment
    assert off.total_interest < on.total_interest
    assert on.accrued_interest == pytest.approx(off.accrued_interest)


def test_uncapitalised_payment_repays_the_loan_month_by_month():
    # Independent check: run the schedule month by month. Interest accrues on the principal
    # only; each payment clears the unpaid interest first, then the principal.
    principal, unpaid, rate, months = 40_000.0, 6_000.0, 0.0794, 180
    payment = loans.level_payment_uncapitalised(principal, unpaid, rate, months)
    assert loans.monthly_payment(principal, rate, months) < payment < loans.monthly_payment(principal + unpaid, rate, months)
    for _ in range(months):
        unpaid += principal * rate / 12
        to_interest = min(payment, unpaid)
        unpaid -= to_interest
        principal -= payment - to_interest
    assert abs(principal + unpaid) < 0.02 * payment  # paid off to within a fraction of one payment


def test_private_loans_capitalise_and_use_their_own_term():
    s = summary(masters(private_per_year=10_000, private_rate=0.09, private_years=10), start="2027-08-16")
    assert s.plan == "none" and s.private_months == 120
    balance = sum(loan.principal + loan.accrued_interest for loan in s.loans)
    r = 0.09 / 12
    assert s.monthly_payment == pytest.approx(r * balance / (1 - (1 + r) ** -120))


def test_payment_share_of_take_home_pay():
    person = Person(age=30, salary=60_000, salary_growth=0.0)
    s = summary(masters(federal_unsubsidised_per_year=20_500), person=person, tax_rate=0.25, pre_tax=True, inflation=0.0)
    # No salary growth, no inflation, a flat tax: take-home = salary * (1 - 0.25) / 12.
    assert s.payment_share_land == pytest.approx(s.monthly_payment / (100_000 * 0.75 / 12))
    assert s.payment_share_fallback == pytest.approx(s.monthly_payment / (60_000 * 0.75 / 12))


def test_no_loans_no_summary():
    assert loans.summarise(Option("Stay"), Person(), Assumptions()) is None


# --- limits and eligibility -----------------------------------------------------------------

def test_academic_year_boundary():
    assert loans.academic_year(date(2026, 6, 30)) == "2025-26"
    assert loans.academic_year(date(2026, 7, 1)) == "2026-27"


def test_annual_limit():
    with pytest.raises(InputError, match=r"federal_unsubsidised_per_year = 25000: above the annual limit of \$20,500"):
        summary(masters(federal_unsubsidised_per_year=25_000))


def test_aggregate_limit_from_july_2026_is_100000():
    option = masters(years=3, federal_unsubsidised_per_year=20_500, prior_federal_graduate_debt=50_000)
    # 50,000 + 3 * 20,500 = 111,500: above the new $100,000, below the old $138,500.
    with pytest.raises(InputError, match=r"\$111,500, is above the aggregate limit of \$100,000"):
        summary(option, start="2027-08-16")
    assert summary(option, start="2025-08-18").borrowed == 61_500


def test_grad_plus_is_closed_to_new_borrowers_from_july_2026():
    with pytest.raises(InputError, match="Grad PLUS is closed to new borrowers .* 01 July 2026"):
        summary(masters(grad_plus_per_year=10_000), start="2026-08-17")
    before = summary(masters(grad_plus_per_year=10_000), start="2025-08-18")
    assert before.loans[0].kind == "grad_plus" and before.loans[0].rate == 0.0894 and before.loans[0].fee == 0.04228


def test_legacy_borrowers_keep_grad_plus_for_three_academic_years():
    option = masters(years=2, grad_plus_per_year=10_000, legacy_borrower=True)
    s = summary(option, start="2026-08-17")
    assert [loan.kind for loan in s.loans] == ["grad_plus", "grad_plus"]
    assert any("legacy provision" in note for note in s.notes)
    with pytest.raises(InputError, match="Grad PLUS is closed"):
        summary(masters(years=4, grad_plus_per_year=10_000, legacy_borrower=True), start="2026-08-17")


def test_federal_graduate_loans_only_for_graduate_programmes():
    with pytest.raises(InputError, match="kind = 'bootcamp' is not a graduate programme.*private_per_year"):
        Option("Camp", "bootcamp", years=0.27, programme_price=13_500, financing=Financing(federal_unsubsidised_per_year=5_000))
