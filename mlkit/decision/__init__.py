"""The degree decision model: is a master's (or an alternative) worth it for this person?

Core layer only: functions compute and return dataclasses, numpy arrays and plain
dicts; nothing prints or plots. The pieces, one job per module:

- :mod:`~mlkit.decision.figures` - the default figures with their sources;
- :mod:`~mlkit.decision.inputs` - person, options, financing, assumptions (validated once);
- :mod:`~mlkit.decision.kinds` - each option kind's defaults;
- :mod:`~mlkit.decision.cashflows` - yearly flows against the stay baseline;
- :mod:`~mlkit.decision.loans` - federal and private loans, interest, repayment plans;
- :mod:`~mlkit.decision.results` - NPV, break-even, IRR, branches (:func:`evaluate`);
- :mod:`~mlkit.decision.montecarlo` - seeded, vectorised simulation (:func:`simulate`);
- :mod:`~mlkit.decision.sensitivity` - one-at-a-time sensitivity and switch points;
- :mod:`~mlkit.decision.scenario` - JSON scenarios and the shipped example.

Examples
--------
>>> from mlkit import decision
>>> s = decision.example_scenario()
>>> decision.evaluate(s).best
'Full-time bootcamp'
"""

from mlkit.decision.inputs import KINDS, Assumptions, Financing, Option, Person, Scenario
from mlkit.decision.kinds import make_option
from mlkit.decision.montecarlo import simulate
from mlkit.decision.results import evaluate
from mlkit.decision.scenario import example_scenario, from_dict, read, to_dict, write
from mlkit.decision.sensitivity import sensitivity

__all__ = [
    "KINDS",
    "Assumptions",
    "Financing",
    "Option",
    "Person",
    "Scenario",
    "evaluate",
    "example_scenario",
    "from_dict",
    "make_option",
    "read",
    "sensitivity",
    "simulate",
    "to_dict",
    "write",
]
