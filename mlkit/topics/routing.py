"""Route incoming messages to queues: rules first, then a classifier, and a person when it is unsure.

The automation unit (19) builds a help-desk router from three parts:

- :class:`Rule`: a regular expression that sends a matching message straight to
  a queue, or to human review (``REVIEW``) when a person must read it;
- a classifier's probabilities: the most probable queue is used when its
  probability reaches a *threshold*, otherwise the message goes to review;
- :class:`Costs`: what a person's triage and a misrouted message cost, so that
  :func:`evaluate` can weigh the work saved against the errors made.

Everything here computes and returns values (pandas tables); nothing prints
or plots.

Examples
--------
>>> import numpy as np
>>> rules = [Rule("fraud", r"\\bfraud", REVIEW)]
>>> texts = ["Fraud on my card", "Where is my parcel?", "Hello?"]
>>> probabilities = np.array([[0.7, 0.3], [0.1, 0.9], [0.55, 0.45]])
>>> routed = route(texts, probabilities, ["billing", "delivery"], threshold=0.6, rules=rules)
>>> routed[["queue", "source"]].values.tolist()
[['human review', 'rule: fraud'], ['delivery', 'model'], ['human review', 'low confidence']]
>>> evaluate(routed, ["billing", "delivery", "billing"])["minutes_saved"]
2.0
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

REVIEW = "human review"
"""The destination of messages a person must route."""
MODEL = "model"
LOW_CONFIDENCE = "low confidence"


@dataclass(frozen=True)
class Rule:
    """Send messages whose text matches ``pattern`` (a regular expression, case-insensitive) to ``queue``.

    ``queue`` is a queue name or :data:`REVIEW`. Rules are tried in order and the
    first that matches decides; the classifier only sees messages no rule matched.

    Examples
    --------
    >>> Rule("password", r"\\bpassword", "technical").matches("I forgot my PASSWORD")
    True
    """

    name: str
    pattern: str
    queue: str
    _compiled: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        from mlkit.errors import InputError

        for attribute in ("name", "pattern", "queue"):
            value = getattr(self, attribute)
            if not isinstance(value, str) or not value.strip():
                raise InputError(f"a Rule's {attribute} should be a non-empty string, got {value!r}")
        try:
            compiled = re.compile(self.pattern, re.IGNORECASE)
        except re.error as error:
            raise InputError(f"rule {self.name!r}: pattern {self.pattern!r} is not a valid regular expression ({error})") from None
        object.__setattr__(self, "_compiled", compiled)

    def matches(self, text: str) -> bool:
        """True when the rule's pattern occurs anywhere in ``text``."""
        return self._compiled.search(text) is not None


@dataclass(frozen=True)
class Costs:
    """Minutes of work: a person triaging one message by hand, and one misrouted message.

    A misrouted message costs the wrong team's time to read and pass it on,
    and the customer's wait; ``error_minutes`` puts one number on both.
    """

    triage_minutes: float = 2.0
    error_minutes: float = 10.0

    def __post_init__(self):
        from mlkit.errors import InputError

        for attribute in ("triage_minutes", "error_minutes"):
            value = getattr(self, attribute)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise InputError(f"Costs.{attribute} should be a number of minutes, 0 or more, got {value!r}")


def decide(probabilities: Sequence[float], classes: Sequence[str], threshold: float) -> str:
    """The most probable class when its probability reaches ``threshold``, else :data:`REVIEW`.

    Examples
    --------
    >>> decide([0.2, 0.8], ["billing", "delivery"], 0.5), decide([0.45, 0.55], ["billing", "delivery"], 0.6)
    ('delivery', 'human review')
    """
    best = max(range(len(classes)), key=lambda i: probabilities[i])
    return classes[best] if probabilities[best] >= threshold else REVIEW


def _validate(texts, probabilities, classes, threshold):
    import numpy as np

    from mlkit.errors import InputError

    texts = list(texts)
    probabilities = np.asarray(probabilities, dtype=float)
    if probabilities.ndim != 2 or probabilities.shape != (len(texts), len(classes)):
        raise InputError(
            f"probabilities should have one row per message and one column per class, shape "
            f"({len(texts)}, {len(classes)}); got shape {probabilities.shape}"
        )
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise InputError(f"threshold should be a probability between 0 and 1, got {threshold!r}")
    return texts, probabilities, [str(c) for c in classes]


def route(
    texts: Iterable[str],
    probabilities: Any,
    classes: Sequence[str],
    *,
    threshold: float = 0.0,
    rules: Sequence[Rule] = (),
):
    """Decide a destination for each message.

    Parameters
    ----------
    texts:
        The messages.
    probabilities:
        A classifier's probabilities, one row per message, one column per
        class (``model.predict_proba(texts)``).
    classes:
        The class of each column (``model.classes_``).
    threshold:
        The least probability at which the classifier's choice is used; below
        it, the message goes to :data:`REVIEW`. 0 trusts the classifier always.
    rules:
        Tried first, in order; the first matching rule decides.

    Returns
    -------
    pandas.DataFrame
        One row per message, in order: ``text``, ``queue`` (the destination),
        ``source`` (``"rule: <name>"``, ``"model"`` or ``"low confidence"``)
        and ``confidence`` (the classifier's top probability).
    """
    import pandas as pd

    texts, probabilities, classes = _validate(texts, probabilities, classes, threshold)
    rows = []
    for text, row in zip(texts, probabilities):
        rule = next((r for r in rules if r.matches(text)), None)
        if rule is not None:
            queue, source = rule.queue, f"rule: {rule.name}"
        else:
            queue = decide(row, classes, threshold)
            source = MODEL if queue != REVIEW else LOW_CONFIDENCE
        rows.append({"text": text, "queue": queue, "source": source, "confidence": float(row.max())})
    return pd.DataFrame(rows, columns=["text", "queue", "source", "confidence"])


def outcomes(routed, true_queues: Iterable[str]):
    """Per message: ``"right"``, ``"wrong"`` (sent automatically to another queue) or ``"review"``."""
    import numpy as np
    import pandas as pd

    from mlkit.errors import InputError

    true = np.asarray(list(true_queues), dtype=object)
    if len(true) != len(routed):
        raise InputError(f"true_queues has {len(true)} labels for {len(routed)} routed messages")
    queue = routed["queue"].to_numpy(dtype=object)
    result = np.where(queue == REVIEW, "review", np.where(queue == true, "right", "wrong"))
    return pd.Series(result, index=routed.index, name="outcome")


def evaluate(routed, true_queues: Iterable[str], costs: Costs = Costs()) -> dict:
    """Weigh the work the router saves against the errors it makes.

    Without the router a person triages every message. With it, each message
    routed automatically saves ``costs.triage_minutes``, and each one routed
    to the wrong queue costs ``costs.error_minutes``; messages sent to review
    are triaged by hand as before.

    Returns
    -------
    dict
        ``messages``, ``automated``, ``reviewed``, ``errors`` (counts);
        ``automation_rate`` (automated / messages); ``error_rate`` (errors /
        automated, 0 when nothing is automated); ``minutes_saved`` (net, can be
        negative).
    """
    counts = outcomes(routed, true_queues).value_counts()
    right, wrong, review = (int(counts.get(k, 0)) for k in ("right", "wrong", "review"))
    automated = right + wrong
    messages = automated + review
    return {
        "messages": messages,
        "automated": automated,
        "reviewed": review,
        "errors": wrong,
        "automation_rate": automated / messages if messages else 0.0,
        "error_rate": wrong / automated if automated else 0.0,
        "minutes_saved": automated * costs.triage_minutes - wrong * costs.error_minutes,
    }


def sweep(
    texts: Iterable[str],
    probabilities: Any,
    classes: Sequence[str],
    true_queues: Iterable[str],
    thresholds: Iterable[float],
    *,
    rules: Sequence[Rule] = (),
    costs: Costs = Costs(),
):
    """:func:`evaluate` for each threshold: a table with one row per threshold (its index)."""
    import pandas as pd

    texts, true = list(texts), list(true_queues)
    rows = {}
    for threshold in thresholds:
        routed = route(texts, probabilities, classes, threshold=threshold, rules=rules)
        rows[round(float(threshold), 6)] = evaluate(routed, true, costs)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "threshold"
    return table


def rule_report(rules: Sequence[Rule], texts: Iterable[str], true_queues: Iterable[str]):
    """How each rule does on labelled messages, as if it were the only rule.

    Returns
    -------
    pandas.DataFrame
        One row per rule (index: its name): ``queue``, ``matches`` (messages
        it matches) and, for rules that send to a queue, ``right`` (matches
        whose true queue is the rule's) and ``precision`` (right / matches).
        Review rules have no right or wrong; their ``right`` and ``precision`` are missing.
    """
    import pandas as pd

    texts, true = list(texts), list(true_queues)
    rows = []
    for rule in rules:
        hits = [label for text, label in zip(texts, true) if rule.matches(text)]
        right = sum(label == rule.queue for label in hits) if rule.queue != REVIEW else None
        precision = right / len(hits) if right is not None and hits else None
        rows.append({"rule": rule.name, "queue": rule.queue, "matches": len(hits), "right": right, "precision": precision})
    return pd.DataFrame(rows, columns=["rule", "queue", "matches", "right", "precision"]).set_index("rule")
