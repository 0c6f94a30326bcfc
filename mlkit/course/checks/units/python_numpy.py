"""Exercises of unit 08, Python and NumPy for ML (``solutions/08_python_numpy.ipynb``).

Data: scikit-learn's bundled iris flowers and handwritten digits, loaded by
the checks themselves. Each exercise is a check function decorated with
``EXERCISES.exercise``; below it, builders of plausible wrong answers
(``@<exercise>.wrong_answer``) and the values no failure message may reveal
(``@<exercise>.secret_values``). The test suite runs all three against the
solution notebook.
"""

from __future__ import annotations

from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import FLOAT32_RTOL, as_vector, as_whole_number, expect_array, expect_choice

EXERCISES = ExerciseSet("python-numpy", "Python and NumPy for ML")

SEVEN = 7


# --- shared data (loaded once, only when a check runs) ---------------------------


@lru_cache(maxsize=1)
def _iris():
    from sklearn.datasets import load_iris

    bunch = load_iris()
    return bunch.data, bunch.target


@lru_cache(maxsize=1)
def _digits():
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.data, bunch.target


def _iris_split():
    from sklearn.model_selection import train_test_split

    X, y = _iris()
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


def _tolerance(value) -> dict:
    """``np.allclose`` tolerances for ``value``: wider for float32, which keeps about 7 significant digits."""
    import numpy as np

    dtype = getattr(value, "dtype", None)
    if dtype is not None and np.dtype(dtype).kind == "f" and np.dtype(dtype).itemsize <= 4:
        return {"rtol": max(1e-5, FLOAT32_RTOL), "atol": 1e-6}
    return {"rtol": 1e-5, "atol": 1e-8}


def _numbers(value, *, name: str, what: str):
    """``value`` as a NumPy array of numbers (a list of lists too), or :class:`Incorrect` saying what is asked."""
    import numpy as np

    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise Incorrect(f"`{name}` should be {what}, but it is a {type(value).__name__}.")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):  # a ragged list
        kind = type(value).__name__
        raise Incorrect(f"`{name}` should be {what}, but it is a {kind} of rows of unequal length.") from None
    if array.dtype != bool and array.dtype.kind not in "iuf":
        raise Incorrect(f"`{name}` should be {what}, but it is a {type(value).__name__} that does not hold numbers.")
    return array


def _standardised(X, reference=None):
    import numpy as np

    reference = X if reference is None else reference
    return (np.asarray(X) - reference.mean(axis=0)) / reference.std(axis=0)


# --- 1. count labels with a dictionary -------------------------------------------

_COUNT_CASES = (
    ["cat", "dog", "cat", "cat", "bird"],
    [0, 1, 1, 2, 2, 2, 2],
    ["only"],
)


def _counts(labels) -> dict:
    counts: dict = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return counts


@EXERCISES.exercise(
    "count_labels",
    title="Count labels with a dictionary",
    hints=(
        "Start from an empty dictionary and look at each label once, in a loop.",
        "`counts.get(label, 0)` reads the current count of a label, or 0 if it has not been seen yet.",
        "Inside the loop: `counts[label] = counts.get(label, 0) + 1`; after the loop, `return counts`.",
    ),
)
def count_labels(count_labels):
    if not callable(count_labels):
        raise Incorrect(f"`count_labels` should be a function, but it is a {type(count_labels).__name__}.")
    iris_names = [("setosa", "versicolor", "virginica")[label] for label in _iris()[1]]
    for labels in (*_COUNT_CASES, iris_names):
        result = call_learner(count_labels, list(labels))
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        shown = repr(labels) if len(labels) < 10 else "the 150 iris species names"
        if not isinstance(result, dict):
            raise Incorrect(
                f"`count_labels({shown})` returned a {type(result).__name__}; a dictionary from label to count is asked for."
            )
        expected = _counts(labels)
        if set(result) != set(expected):
            raise Incorrect(f"the keys of `count_labels({shown})` are not the distinct labels of its input.")
        if result != expected:
            if all(v == 1 for v in result.values()):
                raise Incorrect(
                    f"every count of `count_labels({shown})` is 1: the function records that a label occurs, "
                    "not how often. Add one to the label's count each time you meet it."
                )
            total = sum(v for v in result.values() if isinstance(v, (int, float)))
            raise Incorrect(
                f"the counts of `count_labels({shown})` add up to {total}, but the input has {len(labels)} labels."
            )
    return "each label is counted once per occurrence."


@count_labels.wrong_answer
def count_labels_distinct_only():
    def count_labels(labels):
        return {label: 1 for label in labels}

    return Answer.of(count_labels)


@count_labels.wrong_answer
def count_labels_list_of_counts():
    def count_labels(labels):
        return [labels.count(label) for label in sorted(set(labels), key=str)]

    return Answer.of(count_labels)


@count_labels.wrong_answer
def count_labels_off_by_one():
    def count_labels(labels):
        counts = {}
        for label in labels:
            counts[label] = counts.get(label, 1) + 1
        return counts

    return Answer.of(count_labels)


@count_labels.secret_values
def count_labels_secrets():
    return [repr(_counts(_COUNT_CASES[0]))]


# --- 2. masks, axes and reshaping ------------------------------------------------


@lru_cache(maxsize=1)
def _sevens():
    pixels, target = _digits()
    sevens = pixels[target == SEVEN]
    return sevens, sevens.mean(axis=0).reshape(8, 8)


@EXERCISES.exercise(
    "average_seven",
    title="Select the sevens and draw their average",
    hints=(
        "A comparison such as `target == 7` gives a boolean array, one `True` or `False` per image; "
        "use it to index the rows of `pixels`.",
        "The average image is the mean over the images, that is along axis 0, which leaves 64 pixels. "
        "`reshape(8, 8)` turns them back into a picture.",
        "`sevens = pixels[target == 7]` and `mean_seven = sevens.mean(axis=0).reshape(8, 8)`.",
    ),
)
def average_seven(sevens, mean_seven):
    import numpy as np

    expected_sevens, expected_mean = _sevens()
    sevens = _numbers(sevens, name="sevens", what="a NumPy array of images (rows of `pixels`)")
    if sevens.dtype == bool:
        raise Incorrect(
            "`sevens` holds True/False values: that is the mask itself. Use the mask to index the rows of `pixels`."
        )
    if sevens.ndim != 2 or sevens.shape[1] != 64:
        raise Incorrect(f"`sevens` has shape {sevens.shape}; it should keep all 64 pixels of each selected image.")
    if sevens.shape[0] != expected_sevens.shape[0] or not np.array_equal(sevens.astype(float), expected_sevens):
        raise Incorrect("`sevens` is not the set of images labelled 7: check the condition of your mask.")
    mean_seven = _numbers(mean_seven, name="mean_seven", what="a NumPy array (an 8 × 8 image)")
    flat = mean_seven.astype(float).ravel()
    if mean_seven.shape == (64,):
        raise Incorrect("`mean_seven` has the 64 pixels of a row; reshape it into an 8 × 8 image.")
    if mean_seven.shape != (8, 8):
        if mean_seven.shape == (expected_sevens.shape[0],):
            raise Incorrect(
                "`mean_seven` has one value per image: it averages along the wrong axis. "
                "Average over the images (axis 0), so that one value per pixel is left."
            )
        raise Incorrect(f"`mean_seven` has shape {mean_seven.shape}; an 8 × 8 image is asked for.")
    if not np.allclose(flat, expected_mean.ravel(), **_tolerance(mean_seven)):
        raise Incorrect("`mean_seven` is an 8 × 8 array, but not the average of the images in `sevens`.")
    return f"the average of {len(sevens)} sevens, ready to draw with `plt.imshow(mean_seven)`."


@average_seven.wrong_answer
def average_seven_mask_only():
    pixels, target = _digits()
    return Answer.of(target == SEVEN, _sevens()[1])


@average_seven.wrong_answer
def average_seven_wrong_axis():
    sevens, _ = _sevens()
    return Answer.of(sevens, sevens.mean(axis=1))


@average_seven.wrong_answer
def average_seven_not_reshaped():
    sevens, _ = _sevens()
    return Answer.of(sevens, sevens.mean(axis=0))


@average_seven.wrong_answer
def average_seven_wrong_digit():
    pixels, target = _digits()
    ones = pixels[target == 1]
    return Answer.of(ones, ones.mean(axis=0).reshape(8, 8))


@average_seven.secret_values
def average_seven_secrets():
    sevens, mean = _sevens()
    return [f"{mean.max():.4f}"]


# --- 3. standardise with broadcasting ----------------------------------------------


@EXERCISES.exercise(
    "standardise",
    title="Standardise the columns of an array with broadcasting",
    hints=(
        "Standardising a column means subtracting its mean and dividing by its standard deviation.",
        "`X.mean(axis=0)` and `X.std(axis=0)` give one value per column, shape `(n_features,)`; broadcasting "
        "applies them to every row.",
        "`return (X - X.mean(axis=0)) / X.std(axis=0)`",
    ),
)
def standardise(standardise):
    import numpy as np

    if not callable(standardise):
        raise Incorrect(f"`standardise` should be a function, but it is a {type(standardise).__name__}.")
    X, _ = _iris()
    small = np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0], [6.0, 60.0]])
    for data, shown in ((small, "a 4 × 2 test array"), (X, "the iris features")):
        result = call_learner(standardise, data.copy())
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        tolerance = _tolerance(result)
        try:
            result = np.asarray(result, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"`standardise` on {shown} did not return an array of numbers.") from None
        if result.shape != data.shape:
            raise Incorrect(f"`standardise` on {shown} of shape {data.shape} returned shape {result.shape}; "
                            "the result should have the shape of its input.")
        column_means = result.mean(axis=0)
        column_stds = result.std(axis=0)
        if np.allclose(result.mean(axis=1), 0, **tolerance) and not np.allclose(column_means, 0, **tolerance):
            raise Incorrect(
                f"on {shown}, each *row* of the result has mean 0, but the columns do not: the statistics were "
                "taken along the wrong axis. One mean and one standard deviation per column are asked for."
            )
        if np.allclose(result, (data - data.mean()) / data.std(), **tolerance):
            raise Incorrect(
                f"on {shown}, the whole array was scaled with one mean and one standard deviation; each column "
                "needs its own (the columns measure different things on different scales)."
            )
        if not np.allclose(column_means, 0, **tolerance):
            raise Incorrect(f"on {shown}, the columns of the result do not all have mean 0.")
        if not np.allclose(column_stds, 1, **tolerance):
            if np.allclose(result, data - data.mean(axis=0), **tolerance):
                raise Incorrect(f"on {shown}, the columns are centred but not divided by their standard deviation.")
            raise Incorrect(
                f"on {shown}, the columns of the result have mean 0 but not all a standard deviation of 1: "
                "divide each column by its own standard deviation."
            )
        if not np.allclose(result, _standardised(data), **tolerance):
            raise Incorrect(f"on {shown}, the result is not the standardised input.")
    return "every column now has mean 0 and standard deviation 1."


@standardise.wrong_answer
def standardise_rows():
    def standardise(X):
        return (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)

    return Answer.of(standardise)


@standardise.wrong_answer
def standardise_global():
    def standardise(X):
        return (X - X.mean()) / X.std()

    return Answer.of(standardise)


@standardise.wrong_answer
def standardise_centre_only():
    def standardise(X):
        return X - X.mean(axis=0)

    return Answer.of(standardise)


# --- 4. a class in scikit-learn's style ----------------------------------------------


@EXERCISES.exercise(
    "standardiser",
    title="Write a Standardiser class with fit and transform",
    hints=(
        "`fit` learns from the data it is given and remembers it; `transform` only applies what `fit` learned.",
        "In `fit`, compute each column's mean and standard deviation (`.mean` and `.std` along axis 0) and store "
        "them as the attributes `mean_` and `scale_`; a scikit-learn `fit` ends by returning the object itself.",
        "`fit` sets `self.mean_ = X.mean(axis=0)` and `self.scale_ = X.std(axis=0)`, then `return self`; "
        "`transform(self, X)` returns `(X - self.mean_) / self.scale_`, using the stored values, never "
        "statistics of its own input.",
    ),
)
def standardiser(Standardiser):
    import numpy as np

    if not isinstance(Standardiser, type):
        raise Incorrect(
            f"`Standardiser` should be the class itself (not an instance or a result), but it is a "
            f"{type(Standardiser).__name__}."
        )
    X_train, X_test, _, _ = _iris_split()
    scaler = call_learner(Standardiser)
    fitted = call_learner(scaler.fit, X_train.copy())
    if fitted is not scaler:
        raise Incorrect(
            "`fit` returned " + ("nothing" if fitted is None else f"a {type(fitted).__name__}") + "; a scikit-learn "
            "`fit` returns `self`, so that `Standardiser().fit(X).transform(X)` works."
        )
    for attribute in ("mean_", "scale_"):
        if not hasattr(scaler, attribute):
            raise Incorrect(
                f"after `fit`, the object has no attribute `{attribute}`: store what `fit` learns in `self.{attribute}`."
            )
    expect_array(scaler.mean_, X_train.mean(axis=0), name="mean_")
    expect_array(scaler.scale_, X_train.std(axis=0), name="scale_")
    result = call_learner(scaler.transform, X_test.copy())
    tolerance = _tolerance(result)
    try:
        result = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect("`transform` did not return an array of numbers.") from None
    if result.shape != X_test.shape:
        raise Incorrect(f"`transform` turned an array of shape {X_test.shape} into one of shape {result.shape}.")
    if np.allclose(result, _standardised(X_test), **tolerance) and not np.allclose(
        result, _standardised(X_test, X_train), **tolerance
    ):
        raise Incorrect(
            "`transform` computes the mean and standard deviation of the data it is given. It must use the ones "
            "`fit` learned from the training data: new data is scaled like the training data, and test data "
            "must not influence its own scaling."
        )
    if not np.allclose(result, _standardised(X_test, X_train), **tolerance):
        raise Incorrect("`transform` does not scale new data with the mean and standard deviation learned in `fit`.")
    return "fitted on training data, it scales new data the same way, like scikit-learn's StandardScaler."


@standardiser.wrong_answer
def standardiser_fit_returns_nothing():
    class Standardiser:
        def fit(self, X):
            self.mean_ = X.mean(axis=0)
            self.scale_ = X.std(axis=0)

        def transform(self, X):
            return (X - self.mean_) / self.scale_

    return Answer.of(Standardiser)


@standardiser.wrong_answer
def standardiser_transform_refits():
    class Standardiser:
        def fit(self, X):
            self.mean_ = X.mean(axis=0)
            self.scale_ = X.std(axis=0)
            return self

        def transform(self, X):
            return (X - X.mean(axis=0)) / X.std(axis=0)

    return Answer.of(Standardiser)


@standardiser.wrong_answer
def standardiser_attributes_without_underscore():
    class Standardiser:
        def fit(self, X):
            self.mean = X.mean(axis=0)
            self.scale = X.std(axis=0)
            return self

        def transform(self, X):
            return (X - self.mean) / self.scale

    return Answer.of(Standardiser)


@standardiser.wrong_answer
def standardiser_instance_not_class():
    class Standardiser:
        def fit(self, X):
            self.mean_ = X.mean(axis=0)
            self.scale_ = X.std(axis=0)
            return self

        def transform(self, X):
            return (X - self.mean_) / self.scale_

    return Answer.of(Standardiser())


# --- 5. three Python traps -----------------------------------------------------------

_FACTORS = (2.0, -1.5, 0.25)


def _sequence(value, *, name: str, what: str) -> list:
    """``value`` as a list when it is a list, a tuple or a 1-D array, else :class:`Incorrect`."""
    import numpy as np

    if isinstance(value, np.ndarray) and value.ndim == 1:
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return list(value)
    raise Incorrect(f"`{name}` returned a {type(value).__name__}; {what} is asked for.")


def _check_add_tag(add_tag) -> None:
    if not callable(add_tag):
        raise Incorrect(f"`add_tag` should be a function, but it is a {type(add_tag).__name__}.")
    first = call_learner(add_tag, "draft")
    if first is Ellipsis:
        raise NotAttempted("`add_tag` still returns `...`; replace it with your answer.")
    first = _sequence(first, name='add_tag("draft")', what="a list of tags")
    if first != ["draft"]:
        raise Incorrect('`add_tag("draft")`, called without a list, should return a list holding only that tag.')
    second = _sequence(call_learner(add_tag, "final"), name='add_tag("final")', what="a list of tags")
    if second != ["final"]:
        raise Incorrect(
            'a second call without a list, `add_tag("final")`, still holds the tag of the first call: the default '
            "list is made once, when the function is defined, and every call shares it."
        )
    given = ["raw", "checked"]
    third = _sequence(call_learner(add_tag, "final", given), name='add_tag("final", tags)', what="a list of tags")
    if third != ["raw", "checked", "final"]:
        raise Incorrect("called with a list of tags, `add_tag` should return that list with the new tag at its end.")


def _check_vocabulary(Vocabulary) -> None:
    if not isinstance(Vocabulary, type):
        raise Incorrect(f"`Vocabulary` should be the class itself, but it is a {type(Vocabulary).__name__}.")
    words = ["penguin", "gentoo", "penguin", "adelie", "gentoo"]
    first = call_learner(Vocabulary)
    numbers = [as_whole_number(call_learner(first.number, word), name=f"number({word!r})") for word in words]
    if numbers[0] != 0:
        raise Incorrect("the first word of a new vocabulary should get the number 0.")
    if numbers[2] != numbers[0] or numbers[4] != numbers[1]:
        raise Incorrect("a word seen before should get the number it was given the first time.")
    if numbers != [0, 1, 0, 2, 1]:
        raise Incorrect("each new word should get the next number: 0, 1, 2 and so on, in the order first seen.")
    second = call_learner(Vocabulary)
    fresh = as_whole_number(call_learner(second.number, "chinstrap"), name="number('chinstrap')")
    if fresh != 0:
        raise Incorrect(
            "the first word of a second, new vocabulary did not get the number 0: the words of one vocabulary "
            "leak into another, so they share one dictionary. Which attributes belong to the class, and which to "
            "each object?"
        )
    again = as_whole_number(call_learner(first.number, "chinstrap"), name="number('chinstrap')")
    if again != 3:
        raise Incorrect("adding a word to one vocabulary changed the numbers another vocabulary gives.")


def _check_make_scalers(make_scalers) -> None:
    import numpy as np

    if not callable(make_scalers):
        raise Incorrect(f"`make_scalers` should be a function, but it is a {type(make_scalers).__name__}.")
    scalers = call_learner(make_scalers, list(_FACTORS))
    if scalers is Ellipsis:
        raise NotAttempted("`make_scalers` still returns `...`; replace it with your answer.")
    if not isinstance(scalers, (list, tuple)) or not all(callable(f) for f in scalers):
        raise Incorrect("`make_scalers(factors)` should return a list of functions, one per factor.")
    if len(scalers) != len(_FACTORS):
        raise Incorrect(f"`make_scalers` returned {len(scalers)} functions for {len(_FACTORS)} factors.")
    values = np.array([1.0, 4.0, -2.0])
    results = [as_vector(call_learner(f, values.copy()), name="a scaler's result", length=3) for f in scalers]
    wanted = [values * factor for factor in _FACTORS]
    if all(np.allclose(r, wanted[-1]) for r in results):
        raise Incorrect(
            "every function multiplies by the same factor, the last one: a function made in a loop looks the loop "
            "variable up when it is called, not when it is made."
        )
    for i, (result, expected) in enumerate(zip(results, wanted)):
        if not np.allclose(result, expected):
            raise Incorrect(f"function {i} of `make_scalers(factors)` does not multiply its input by `factors[{i}]`.")


@EXERCISES.exercise(
    "python_traps",
    title="Fix three Python traps",
    hints=(
        "Each buggy version keeps state in the wrong place: a default made once, an attribute that belongs to "
        "the class, a variable read too late.",
        "Make the default `None` and build the list inside the call; create the dictionary in `__init__` "
        "through `self`; bind each factor when its function is made (a default argument, or a factory "
        "function called once per factor).",
        "`if tags is None: tags = []`; in `__init__`: `self.numbers = {}`; "
        "`return [lambda x, f=f: x * f for f in factors]`.",
    ),
)
def python_traps(add_tag, Vocabulary, make_scalers):
    _check_add_tag(add_tag)
    _check_vocabulary(Vocabulary)
    _check_make_scalers(make_scalers)
    return "no state is shared by accident: each call, each object and each function keeps its own."


def _good_add_tag():
    def add_tag(tag, tags=None):
        tags = [] if tags is None else tags
        tags.append(tag)
        return tags

    return add_tag


def _good_vocabulary():
    class Vocabulary:
        def __init__(self):
            self.numbers = {}

        def number(self, word):
            return self.numbers.setdefault(word, len(self.numbers))

    return Vocabulary


def _good_scalers():
    def make_scalers(factors):
        return [lambda x, f=f: x * f for f in factors]

    return make_scalers


@python_traps.wrong_answer
def python_traps_mutable_default():
    def add_tag(tag, tags=[]):
        tags.append(tag)
        return tags

    return Answer.of(add_tag, _good_vocabulary(), _good_scalers())


@python_traps.wrong_answer
def python_traps_class_attribute():
    class Vocabulary:
        numbers = {}

        def number(self, word):
            return self.numbers.setdefault(word, len(self.numbers))

    return Answer.of(_good_add_tag(), Vocabulary, _good_scalers())


@python_traps.wrong_answer
def python_traps_late_binding():
    def make_scalers(factors):
        return [lambda x: x * f for f in factors]

    return Answer.of(_good_add_tag(), _good_vocabulary(), make_scalers)


@python_traps.wrong_answer
def python_traps_numbers_from_one():
    class Vocabulary:
        def __init__(self):
            self.numbers = {}

        def number(self, word):
            return self.numbers.setdefault(word, len(self.numbers) + 1)

    return Answer.of(_good_add_tag(), Vocabulary, _good_scalers())


# --- 5. a judgement -----------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "NumPy is not slow in general: the lesson's vectorised distances ran hundreds of times faster than "
    "the loop. Something about this particular measurement makes NumPy lose.",
    "C": "both versions return the same numbers, so the vectorised code is correct; a bug would show in the "
    "results, not only in the time.",
    "D": "the vectorised expression runs on one core, like the loop; the number of cores does not explain "
    "a difference between them.",
}


@EXERCISES.exercise(
    "judgement",
    title="Explain a surprising timing",
    hints=(
        "Every call into NumPy has a fixed cost (checking types and shapes, making the result array), "
        "however few numbers it processes.",
        "How many numbers did your colleague's test process? Compare the fixed cost with the work per number.",
        "With 5 numbers the fixed cost dominates; the speed-up appears when the arrays are large.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="B", feedback=JUDGEMENT_FEEDBACK)
    return "vectorisation pays off when the work per call is large enough to hide NumPy's fixed cost per call."


@judgement.wrong_answer
def judgement_numpy_slow():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_bug():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_cores():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'B'", "Option B"]
