"""The decision model's data file: every figure has a value, unit, year, source and flag."""

import csv
import dataclasses

import pytest

from mlkit.decision import figures
from mlkit.decision.inputs import KINDS, Assumptions
from mlkit.decision.kinds import DEFAULTS, LABELS, make_option
from mlkit.errors import InputError
from mlkit.paths import data_dir

ROW = {"key": "x.y", "value": "1", "unit": "USD", "year": "2025", "source": "somebody", "assumption": "false", "note": ""}


def test_every_row_of_the_shipped_file_has_value_unit_year_source_and_flag():
    with open(data_dir() / figures.FILE_NAME, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(figures.all_figures()) > 50
    for row in rows:
        for column in ("value", "unit", "year", "source"):
            assert row[column].strip(), f"{row['key']} has no {column}"
        assert row["assumption"] in ("true", "false"), row["key"]
        float(row["value"])


@pytest.mark.parametrize("column", ["source", "year", "unit", "value", "assumption"])
def test_a_row_without_a_required_column_is_refused(column):
    with pytest.raises(InputError, match=f"line 2 \\(x.y\\): missing {column}"):
        figures.parse_rows([{**ROW, column: ""}])


def test_a_bad_assumption_flag_is_refused():
    with pytest.raises(InputError, match="assumption = 'yes'; write true or false"):
        figures.parse_rows([{**ROW, "assumption": "yes"}])


def test_figures_of_the_brief_are_shipped_with_their_sources():
    # Values as BRIEF.md and DECISION.md give them.
    assert figures.value("role.ml_engineer.salary") == 120_883
    assert figures.figure("role.ml_engineer.salary").source.startswith("Salary.com")
    assert (figures.value("role.ml_engineer.salary_low"), figures.value("role.ml_engineer.salary_high")) == (72_600, 170_000)
    assert figures.figure("role.ml_engineer.salary_low").source.startswith("LinkedIn Jobs on the Rise 2022")
    assert figures.value("salary.all_occupations") == 58_260 and figures.figure("salary.all_occupations").year == "2021"
    assert figures.value("tuition.public_in_state") == 12_171 and figures.figure("tuition.public_in_state").year == "2018"
    assert figures.value("tuition.private_nonprofit") == 27_776
    assert figures.value("tuition.cmu_ml_masters") == 52_000
    assert figures.value("completion.national") == 0.62 and "Denning" in figures.figure("completion.national").source
    assert figures.value("bootcamp.full_time.price") == 13_500 and figures.value("bootcamp.part_time.price") == 7_500
    assert figures.value("employer_aid.tax_free_limit") == 5_250


def test_estimates_and_modelling_choices_are_flagged_as_assumptions():
    for key in ("outcome.p_land_role", "method.tax_rate", "housing.extra_per_month", "completion.selective_full_time", "method.wage_growth"):
        assert figures.figure(key).assumption, key
    for key in ("role.data_scientist.salary", "tuition.public_in_state", "loan.standard.payments", "completion.national"):
        assert not figures.figure(key).assumption, key


def test_federal_loan_figures_by_academic_year():
    assert figures.value("loan.unsub_grad.rate", "2025-26") == 0.0794
    assert figures.value("loan.grad_plus.rate", "2025-26") == 0.0894
    assert figures.value("loan.unsub_grad.rate", "2020-21") == 0.0430
    assert figures.value("loan.unsub_grad.rate", "2024-25") == 0.0808
    assert figures.value("loan.unsub_grad.fee", "2025-26") == 0.01057
    assert figures.value("loan.grad_plus.fee", "2025-26") == 0.04228
    # A year after the last row reads the last row, and it is flagged as carried forward.
    carried = figures.figure("loan.unsub_grad.rate", "2028-29")
    assert carried.year == "2026-27" and carried.assumption


def test_rules_for_loans_first_disbursed_from_1_july_2026():
    assert figures.value("loan.unsub_grad.annual_limit", "2025-26") == 20_500
    assert figures.value("loan.unsub_grad.aggregate_limit", "2025-26") == 138_500
    assert figures.value("loan.unsub_grad.annual_limit", "2026-27") == 20_500
    assert figures.value("loan.unsub_grad.aggregate_limit", "2026-27") == 100_000
    assert figures.value("loan.grad_plus.available", "2025-26") == 1
    assert figures.value("loan.grad_plus.available", "2026-27") == 0
    assert "P.L. 119-21" in figures.figure("loan.unsub_grad.aggregate_limit", "2026-27").source
    tiers = [figures.value(f"loan.tiered.balance_{i}") for i in (1, 2, 3)]
    years = [figures.value(f"loan.tiered.years_{i}") for i in (1, 2, 3, 4)]
    assert tiers == [25_000, 50_000, 100_000] and years == [10, 15, 20, 25]


def test_unknown_figure_is_an_error_naming_it():
    with pytest.raises(InputError, match="no figure named 'nope'"):
        figures.figure("nope")


def test_roles_table():
    assert dict(figures.roles()) == {
        "ml_engineer": 120_883, "data_scientist": 139_202, "data_engineer": 112_896, "software_engineer_ai_ml": 122_400,
    }
    assert figures.salary_range("data_scientist") is None


def test_assumption_defaults_are_the_shipped_figures():
    a = Assumptions()
    assert a.discount_rate == figures.value("method.discount_rate")
    assert a.tax_rate == figures.value("method.tax_rate")
    assert a.dropout_point == figures.value("method.dropout_point")
    assert a.draws == figures.value("method.draws")
    assert a.probability_concentration == figures.value("method.probability_concentration")
    assert a.salary_range_coverage == figures.value("salary.range_coverage")


def test_every_kind_has_defaults_a_label_and_builds():
    assert set(DEFAULTS) == set(KINDS) == set(LABELS)
    for kind in KINDS:
        option = make_option(kind)
        assert option.kind == kind and option.name == LABELS[kind]


def test_kind_defaults_come_from_the_figures():
    bootcamp = make_option("bootcamp")
    assert bootcamp.programme_price == 13_500 and bootcamp.p_land_role == 0.5
    assert bootcamp.years == pytest.approx(14 / 52, abs=1e-4)
    masters = make_option("masters_in_person")
    assert masters.tuition_per_year == 27_776 and masters.extra_housing_per_month == 1_000 and masters.years == 2
    assert masters.income_share_while_studying == 0 and masters.p_complete == 0.85
    low_cost = make_option("low_cost_masters")
    assert low_cost.tuition_per_year * low_cost.years == pytest.approx(7_000, abs=0.1)
    certificate = make_option("certificate")
    assert certificate.tuition_per_year * certificate.years == pytest.approx(49 * 6)
    assert dataclasses.replace(make_option("stay"), name="x").total_direct_cost == 0


def test_programme_lengths_cite_public_sources_with_a_year_not_notes_or_the_guide():
    with open(data_dir() / figures.FILE_NAME, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        cited = row["source"].lower()
        assert "decision.md" not in cited and "design note" not in cited, row["key"]
    for key in ("masters.part_time.years", "low_cost_masters.years", "bootcamp.full_time.weeks"):
        row = figures.figure(key)
        assert "the guide" not in row.source and "DECISION.md" not in row.source, key
        assert any(str(year) in row.source for year in range(2010, 2027)) or row.year.isdigit(), key
        assert row.assumption, f"{key} is an approximation of published ranges: flagged as an assumption"
    assert "UT Austin" in figures.figure("masters.part_time.years").note or "Austin" in figures.figure("masters.part_time.years").source
    weeks = figures.figure("bootcamp.full_time.weeks")
    assert "12.9 weeks" in weeks.source and weeks.note.startswith("weak evidence")


def test_state_income_tax_is_left_out_unless_entered():
    # No citable national average effective rate is shipped: the default is 0, and the report says so in words.
    from mlkit.decision.report import inputs_table, tax_basis

    assert not any(f.key == "tax.state.effective_rate" for f in figures.all_figures())
    assert Assumptions().state_rate == 0.0
    s = decision_example()
    assert "no state income tax (none is included unless you enter your state's effective rate)" in tax_basis(s)
    taxed = dataclasses.replace(s, assumptions=dataclasses.replace(s.assumptions, state_rate=0.05))
    assert "a state income tax rate of 5.0%" in tax_basis(taxed)
    assert "not included unless you enter your state" in inputs_table(s)
    assert "not included unless you enter your state" not in inputs_table(taxed)


def decision_example():
    from mlkit.decision import example_scenario

    return example_scenario()
