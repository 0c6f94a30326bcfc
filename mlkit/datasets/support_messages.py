"""Support messages to an online shop, labelled with the queue that should answer them.

440 short messages (``billing``, ``delivery``, ``returns``, ``technical``; 110
each), written for the kit in 2026 and shipped with it under the kit's MIT
licence; ``mlkit/data/corpora/README.md`` says how they were made. Some
messages could go to two queues on purpose, as real ones do.

The rows are split once, with a fixed seed, into a part the learner works
with (:func:`load`, 352 messages) and a held-out part (:func:`holdout`, 88
messages) that only the exercise checks use.

Examples
--------
>>> from mlkit.datasets import support_messages
>>> messages = support_messages.load()
>>> messages.shape, list(messages.columns)
((352, 3), ['id', 'text', 'queue'])
>>> sorted(messages["queue"].unique()) == list(support_messages.QUEUES)
True
"""

from __future__ import annotations

from functools import lru_cache

QUEUES = ("billing", "delivery", "returns", "technical")
"""The four queues (the labels), in alphabetical order."""
SOURCE = "written for mlkit in 2026 (see mlkit/data/corpora/README.md)"
LICENCE = "MIT (the kit's licence)"
FILE = "corpora/support_messages.csv"
HOLDOUT_ROWS = 88
SEED = 2026


@lru_cache(maxsize=1)
def _parts():
    import pandas as pd
    from sklearn.model_selection import train_test_split

    from mlkit.paths import data_dir

    table = pd.read_csv(data_dir() / FILE, dtype=str, keep_default_na=False)
    learn, hold = train_test_split(table, test_size=HOLDOUT_ROWS, stratify=table["queue"], random_state=SEED)
    return tuple(part.sort_values("id").reset_index(drop=True) for part in (learn, hold))


def load():
    """The learner's messages: a DataFrame of 352 rows, sorted by ``id``.

    Returns
    -------
    pandas.DataFrame
        ``id`` (``m001``..``m440``), ``text`` (the message) and ``queue``
        (one of :data:`QUEUES`), all strings; 88 messages per queue.
    """
    return _parts()[0].copy()


def holdout():
    """The held-out messages, for exercise checks only (88 rows, 22 per queue, same columns as :func:`load`)."""
    return _parts()[1].copy()


def all_messages():
    """All 440 messages, sorted by ``id`` (for describing the corpus, not for evaluating a model)."""
    import pandas as pd

    return pd.concat(_parts()).sort_values("id").reset_index(drop=True)
