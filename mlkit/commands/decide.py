"""``mlkit decide``: compare a master's with its alternatives for one person's scenario.

``mlkit decide SCENARIO.json`` prints a table per option (expected NPV, break-even year,
IRR, monthly loan payment, probability of losing money, probability of being best);
``--format json`` prints the same for tools; ``mlkit decide --example [PATH]`` writes a
scenario built from the shipped figures to start from.
"""

from __future__ import annotations

import argparse

DEFAULT_EXAMPLE = "decision-scenario.json"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "decide",
        help="is a master's worth it? compare options for a scenario file",
        description="Compare a master's with its alternatives (NPV, break-even, IRR, loans, Monte Carlo) for a scenario file.",
    )
    parser.add_argument("scenario", nargs="?", metavar="SCENARIO.json", help="the scenario to evaluate")
    parser.add_argument(
        "--example", nargs="?", const=DEFAULT_EXAMPLE, metavar="PATH",
        help=f"write an example scenario from the shipped figures to PATH (default: {DEFAULT_EXAMPLE}) and stop",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    parser.add_argument("--draws", type=int, help="Monte Carlo draws (default: the scenario's, 10,000)")
    parser.add_argument("--seed", type=int, help="Monte Carlo seed (default: the scenario's)")
    parser.add_argument("--force", action="store_true", help="with --example: overwrite an existing file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mlkit.errors import InputError

    if args.example is not None:
        if args.scenario:
            raise InputError("give either SCENARIO.json or --example PATH, not both")
        return write_example(Path(args.example), force=args.force)
    if not args.scenario:
        raise InputError(f"no scenario file given; run `mlkit decide --example` to write one ({DEFAULT_EXAMPLE}), then `mlkit decide {DEFAULT_EXAMPLE}`")
    check_options(args)

    from mlkit.decision import evaluate, read, simulate

    scenario = read(args.scenario)
    evaluation = evaluate(scenario)
    simulation = simulate(scenario, draws=args.draws, seed=args.seed)
    report = build_report(evaluation, simulation)
    check_finite(report)
    if args.format == "json":
        print(to_json(report))
    else:
        print(format_table(report))
    return 0


def check_options(args: argparse.Namespace) -> None:
    """Refuse ``--draws`` and ``--seed`` outside the scenario fields' ranges (same limits, same message)."""
    from mlkit.decision.validation import RANGES
    from mlkit.errors import InputError

    for name in ("draws", "seed"):
        given = getattr(args, name)
        limits = RANGES[f"assumptions.{name}"]
        if given is not None and not limits.low <= given <= limits.high:
            raise InputError(f"--{name} = {given}: expected a whole number from {limits.low:,.0f} to {limits.high:,.0f}")


def check_finite(report: dict) -> None:
    """Refuse to show a result with a number that is not finite (validation should make this impossible).

    Raises
    ------
    InputError
        Naming the option and the figure, instead of printing ``n/a`` or writing ``null``.
    """
    import math

    from mlkit.errors import InputError

    def walk(value, path):
        if isinstance(value, float) and not math.isfinite(value):
            return path
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, (list, tuple)) else ()
        for key, item in items:
            found = walk(item, path + [str(key)])
            if found:
                return found
        return None

    for option in report["options"]:
        where = walk(option, [])
        if where:
            raise InputError(
                f'option "{option["name"]}": the model gave {".".join(where)} = {_lookup(option, where)}: an input is beyond '
                "what it can compute; check the largest numbers of this option (salaries, ranges, costs)"
            )


def _lookup(value, path):
    for key in path:
        value = value[int(key)] if isinstance(value, (list, tuple)) else value[key]
    return value


def to_json(report: dict) -> str:
    """The report as JSON; a non-finite number (none is expected) is written as ``null``, so the JSON is always valid."""
    import json
    import math

    def clean(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(report), indent=2, allow_nan=False)


def write_example(path, *, force: bool = False) -> int:
    """Write the example scenario to ``path`` (refusing folders, devices and, without ``force``, existing files)."""
    from mlkit.decision import example_scenario, write

    written = write(example_scenario(), path, overwrite=force)
    print(f"wrote {written}; edit it, then run: mlkit decide {written}")
    return 0


def build_report(evaluation, simulation) -> dict:
    """Plain data for the table and the JSON output."""
    scenario = evaluation.scenario
    options = []
    for result in evaluation.options:
        dist = simulation.option(result.name)
        options.append(
            {
                "name": result.name,
                "kind": result.kind,
                "npv": result.npv,
                "npv_loan_free": result.npv_loan_free,
                "financing_cost": result.financing_cost,
                "npv_branches": {name: b.npv for name, b in result.branches.items()},
                "branch_probabilities": {name: b.probability for name, b in result.branches.items()},
                "break_even_year": result.break_even_year,
                "irr": result.irr,
                "irr_reason": result.irr_reason,
                "baseline": result.is_baseline,
                "total_direct_cost": result.total_direct_cost,
                "loan": result.loan.to_dict() if result.loan else None,
                "monte_carlo": dist.to_dict(),
            }
        )
    return {
        "person": {
            "age": scenario.person.age,
            "salary": scenario.person.salary,
            "retirement_age": scenario.person.retirement_age,
        },
        "horizon_years": scenario.person.horizon_years,
        "discount_rate": scenario.assumptions.discount_rate,
        "after_tax": scenario.assumptions.tax_model != "none",
        "tax_model": scenario.assumptions.tax_model,
        "state_rate": scenario.assumptions.state_rate,
        "draws": simulation.draws,
        "seed": simulation.seed,
        "monte_carlo_mode": scenario.assumptions.monte_carlo,
        "best_option": evaluation.best,
        "options": options,
    }


def _money(value: float | None) -> str:
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return "n/a"
    return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"


def _tax_text(report: dict) -> str:
    model = report.get("tax_model", "brackets" if report["after_tax"] else "none")
    if model == "none":
        return "before tax"
    if model == "flat":
        return "after a flat effective tax"
    rate = report.get("state_rate", 0) or 0
    if rate == 0:  # the kit ships no state rate: say it is left out, not "0.0% state tax"
        return "after federal and payroll tax, without state income tax unless you enter your state's rate"
    return f"after federal, payroll and {rate:.1%} state tax"


def format_table(report: dict) -> str:
    """A plain-text table: one line per option, then notes."""
    header = ("option", "NPV", "break-even", "IRR", "loan/month", "P(loss)", "P(best)")
    rows = []
    notes = []
    for o in report["options"]:
        if o["baseline"]:
            even, irr = "baseline", "-"
        else:
            even = f"year {o['break_even_year']}" if o["break_even_year"] else "never"
            irr = f"{o['irr']:.1%}" if o["irr"] is not None else "none*"
            if o["irr"] is None:
                notes.append(f"* {o['name']}: no IRR: {o['irr_reason']}")
        loan = _money(o["loan"]["monthly_payment"]) if o["loan"] else "-"
        mc = o["monte_carlo"]
        rows.append((o["name"], _money(o["npv"]), even, irr, loan, f"{mc['prob_loss']:.0%}", f"{mc['prob_best']:.0%}"))
        if o["loan"]:
            share = o["loan"]["payment_share_land"]
            share_text = f", {share:.0%} of take-home pay with the role" if share is not None else ""
            fallback = o["loan"]["payment_share_fallback"]
            fallback_text = f", {fallback:.0%} without it" if fallback is not None else ""
            if o["loan"]["plan"] == "rap" and o["loan"].get("monthly_payment_fallback") is not None:
                fallback_text += (
                    f"; {_money(o['loan']['monthly_payment_fallback'])}/month without the role, "
                    f"{_money(o['loan'].get('forgiven_fallback'))} forgiven at the end"
                )
            notes.append(
                f"{o['name']}: borrows {_money(o['loan']['borrowed'])}, pays {_money(o['loan']['total_interest'])} interest "
                f"({o['loan']['plan']} plan{share_text}{fallback_text}); the loans cost {_money(o['financing_cost'])} "
                f"in present value, included in its NPV (without loans: {_money(o['npv_loan_free'])})"
            )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    person = report["person"]
    lines = [
        f"Age {person['age']:g}, salary {_money(person['salary'])}, retiring at {person['retirement_age']:g}: "
        f"{report['horizon_years']} years at a {report['discount_rate']:.1%} real discount rate "
        f"({_tax_text(report)}, today's dollars, against staying).",
        "",
        line(header),
        line(["-" * w for w in widths]),
        *(line(r) for r in rows),
        "",
        f"Best expected NPV: {report['best_option']}.",
        f"NPV and break-even are expected values over completing and landing the role, completing without it, "
        f"and dropping out; P(loss) and P(best) come from {report['draws']:,} Monte Carlo draws (seed {report['seed']}).",
    ]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)
