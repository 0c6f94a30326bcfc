"""Exercises of unit 22, computer vision (``solutions/22_computer_vision.ipynb``).

Data: :mod:`mlkit.datasets.digits` as 8 x 8 images, split as the notebook
splits it (a quarter for testing, stratified, ``random_state=0``). The NumPy
exercises are checked against :mod:`mlkit.topics.vision` on small random images the
checks make themselves, so a function that only works for 8 x 8 digits with a
3 x 3 kernel does not pass; the convolutional layer is checked against
:func:`reference_conv_layer` on images of one and three channels, with several strides
and paddings; the gradient exercise is checked against a least-squares computation of the
same gradient (:func:`reference_kernel_gradient`); the layer's backward pass against
``jax.grad`` of a forward pass written another way (:func:`reference_conv_backward`; jax is
imported by the check, never by ``import mlkit``).

Retired ids (see RETIRED in core.py): "confusions" (the most frequent confusion of a classifier,
which unit 21's ``most_confused`` also practises) and "convolve" (a one-channel cross-correlation,
which the lesson writes in full and ``conv_layer`` contains).

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, LearnerCodeError, NotAttempted, call_learner
from mlkit.course.checks.kinds import (
    expect_choice,
    refuse_non_numbers,
    refuse_rounded,
    returned_array,
)

EXERCISES = ExerciseSet("computer-vision", "Computer vision")

TEST_SHARE = 0.25


# --- shared data and reference results --------------------------------------------------


@lru_cache(maxsize=1)
def _split():
    """train_images, test_images, y_train, y_test, as the notebook makes them."""
    from sklearn.model_selection import train_test_split

    from mlkit.datasets import digits

    images = digits.images()
    _, y = digits.load()
    return tuple(train_test_split(images, y, test_size=TEST_SHARE, stratify=y, random_state=0))


def _random_images(seed: int, shape=(3, 5, 7)):
    import numpy as np

    return np.random.default_rng(seed).integers(0, 17, shape).astype(float)


def _expect_function(function, name):
    if not callable(function):
        raise Incorrect(f"`{name}` should be a function, but it is a {type(function).__name__}.")


# --- 1. ink profiles ----------------------------------------------------------------------


@EXERCISES.exercise(
    "profiles",
    title="Extract ink-profile features",
    hints=(
        "`images` has three axes: image, row, column. Summing over one axis adds up the pixels along it.",
        "`images.sum(axis=2)` adds the pixels of each row (one number per row); `images.sum(axis=1)` adds "
        "those of each column. Put them side by side, rows first.",
        "You have two tables, of shapes `(n, rows)` and `(n, cols)`, and need one of shape `(n, rows + cols)`: "
        "join them along the columns, rows first. Try it on `train_images[:2]` and print the shape.",
    ),
)
def profiles(ink_profiles):
    import numpy as np

    from mlkit.topics import vision

    _expect_function(ink_profiles, "ink_profiles")
    if ink_profiles is vision.profile_features:
        raise Incorrect("`ink_profiles` is the kit's `vision.profile_features` itself; the exercise asks you to "
                        "write the computation with NumPy.")
    images = _random_images(3)
    n, rows, cols = images.shape
    expected = vision.profile_features(images)
    raw = call_learner(ink_profiles, images.copy())
    got = returned_array(raw, name=f"`ink_profiles` of {n} images of {rows} x {cols} pixels", shape=expected.shape,
                         holding="numbers, the ink of each row and column")
    if np.allclose(got, expected):
        return f"{rows + cols} numbers per image: the ink in each of its {rows} rows and {cols} columns."
    if np.allclose(got, expected / np.r_[np.full(rows, cols), np.full(cols, rows)]):
        raise Incorrect("these are mean grey levels; the exercise asks for the total ink, the sums.")
    if np.allclose(got, np.hstack([images.sum(axis=1), images.sum(axis=2)])):
        raise Incorrect("the column sums come first; put the row profile first, then the column profile. "
                        "Remember which axis of the array is the rows.")
    scale = _scale_of(got, expected)
    if scale is not None:
        raise Incorrect("the profiles are the right ones multiplied by one constant; the exercise asks for the "
                        "sums of the grey levels themselves, not scaled.")
    if all(_scale_of(g, e) is not None for g, e in zip(got, expected)):
        totals = images.sum(axis=(1, 2))[:, None]
        divided = np.allclose(got, expected / totals)
        raise Incorrect("each image's profiles are its right profiles multiplied by a number of its own"
                        + (" (one over the image's total ink)" if divided else "")
                        + "; the exercise asks for the sums of the grey levels themselves, not rescaled per image.")
    if np.allclose(got[:, :rows], expected[:, :rows]):
        raise Incorrect(f"the first {rows} numbers (the rows, top to bottom) are right, the last {cols} are not the "
                        "total ink of each column, left to right.")
    if np.allclose(got[:, rows:], expected[:, rows:]):
        raise Incorrect(f"the last {cols} numbers (the columns, left to right) are right, the first {rows} are not "
                        "the total ink of each row, top to bottom.")
    raise Incorrect("the profiles are not the total ink of each row, top to bottom, then of each column, left to right.")


@profiles.wrong_answer
def profiles_means():
    import numpy as np

    return Answer.of(lambda images: np.hstack([images.mean(axis=2), images.mean(axis=1)]))


@profiles.wrong_answer
def profiles_axes_swapped():
    import numpy as np

    return Answer.of(lambda images: np.hstack([images.sum(axis=1), images.sum(axis=2)]))


@profiles.wrong_answer
def profiles_rows_only():
    return Answer.of(lambda images: images.sum(axis=2))


@profiles.wrong_answer
def profiles_scaled():
    import numpy as np

    return Answer.of(lambda images: np.hstack([images.sum(axis=2), images.sum(axis=1)]) / 16)


@profiles.wrong_answer
def profiles_divided_by_each_total():
    import numpy as np

    return Answer.of(lambda images: np.hstack([images.sum(axis=2), images.sum(axis=1)])
                     / images.sum(axis=(1, 2))[:, None])


@profiles.wrong_answer
def profiles_the_kit_function():
    from mlkit.topics import vision

    return Answer.of(vision.profile_features)


@profiles.wrong_answer
def profiles_as_text():
    import numpy as np

    return Answer.of(lambda images: np.hstack([images.sum(axis=2), images.sum(axis=1)]).astype(str))


# --- 2. augmentation ----------------------------------------------------------------------


def _keys(stack):
    import numpy as np

    return [np.ascontiguousarray(image, dtype=float).tobytes() for image in stack]


def _edge_shift(stack, dy: int, dx: int):
    """One-pixel shifts that repeat the edge row or column instead of bringing in a blank one."""
    import numpy as np

    padded = np.pad(stack, ((0, 0), (1, 1), (1, 1)), mode="edge")
    rows, cols = stack.shape[1:]
    return padded[:, 1 - dy:1 - dy + rows, 1 - dx:1 - dx + cols]


@lru_cache(maxsize=1)
def _augmentation_index():
    """Byte keys of the right augmented images (with their labels) and of the ways a shift can go wrong.

    Returns the labels of each right key, the count of each right key, the keys of each part of
    the right answer (the originals, then one set per shift), the keys of the test images' shifts,
    and the keys of shifts whose uncovered side is not blank: wrapped round (``np.roll``) or
    repeating the edge (``mode="edge"``/``"nearest"``).
    """
    from collections import Counter

    import numpy as np

    from mlkit.topics import vision

    train_images, test_images, y_train, _ = _split()
    X_aug, y_aug = vision.augment_with_shifts(train_images, y_train)
    labels: dict[bytes, set] = {}
    for key, label in zip(_keys(X_aug), y_aug):
        labels.setdefault(key, set()).add(int(label))
    parts = [set(_keys(train_images))] + [set(_keys(vision.shift_images(train_images, dy, dx))) for dy, dx in vision.SHIFTS]
    test_keys = set(_keys(vision.augment_with_shifts(test_images, np.zeros(len(test_images)))[0]))
    rolled = [np.roll(train_images, dy + dx, axis=1 if dy else 2) for dy, dx in vision.SHIFTS]
    roll_keys = set(_keys(np.concatenate(rolled))) - set(labels)
    edge_keys = set(_keys(np.concatenate([_edge_shift(train_images, dy, dx) for dy, dx in vision.SHIFTS]))) - set(labels)
    return labels, Counter(_keys(X_aug)), parts, test_keys, roll_keys, edge_keys


_DIRECTIONS = ("up", "down", "left", "right")


@EXERCISES.exercise(
    "augment",
    title="Augment the training images with one-pixel shifts",
    hints=(
        "Start from the training images only: the test images must stay untouched and unseen.",
        "`vision.shift_images(train_images, dy, dx)` shifts a whole stack. Make one shifted stack per "
        "`(dy, dx)` in `vision.SHIFTS`, and put the originals and the four stacks together with `np.concatenate`.",
        "`X_aug` is five stacks in a row, each listing the training images in the order of `y_train`. Which "
        "NumPy function repeats a whole array end to end, and which one repeats each element in place?",
    ),
)
def augment(X_aug, y_aug):
    from collections import Counter

    import numpy as np

    train_images = _split()[0]
    n = len(train_images)
    try:
        raw_images, labels = np.asarray(X_aug), np.asarray(y_aug)
    except (TypeError, ValueError):
        raise Incorrect("`X_aug` should be an array of images and `y_aug` an array of labels.") from None
    refuse_non_numbers(raw_images, name="`X_aug`", what="grey levels, numbers from 0 to 16")
    refuse_non_numbers(labels, name="`y_aug`", what="the digits as numbers, like `y_train`")
    try:
        images = np.asarray(raw_images, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect("`X_aug` should be an array of images and `y_aug` an array of labels.") from None
    if images.ndim == 2 and images.shape[1:] == (64,):
        images = images.reshape(-1, 8, 8)
    if images.ndim == 4 and images.shape[1:] in ((8, 8, 1), (1, 8, 8)):  # a channel axis, as a network takes them
        images = images.reshape(-1, 8, 8)
    if images.ndim != 3 or images.shape[1:] != (8, 8):
        raise Incorrect(f"`X_aug` should be a stack of 8 x 8 images, shape (n, 8, 8); it has shape {images.shape}.")
    if labels.ndim == 2 and 1 in labels.shape:  # a column (or row) vector of labels
        labels = labels.reshape(-1)
    if labels.shape != (len(images),):
        raise Incorrect(f"`y_aug` should hold one label per image of `X_aug` ({len(images)}); "
                        f"it has shape {labels.shape}.")
    right_labels, right_counts, parts, test_keys, roll_keys, edge_keys = _augmentation_index()
    keys = _keys(images)
    leaked = sum(key in test_keys and key not in right_labels for key in keys)
    if leaked:
        raise Incorrect(f"{leaked} images of `X_aug` are test images or shifted copies of them: augment only "
                        "the training images, or the test score measures images the model has already seen.")
    rolled = sum(key in roll_keys and key not in edge_keys for key in keys)
    edged = sum(key in edge_keys and key not in roll_keys for key in keys)
    either = sum(key in roll_keys and key in edge_keys for key in keys)
    if rolled or edged or either:
        how = ("what leaves one edge comes back at the other (as `np.roll` does)" if rolled and not edged else
               "it repeats the edge row or column" if edged and not rolled else
               "it repeats the edge or brings back what left the other side")
        raise Incorrect(f"{rolled + edged + either} images of `X_aug` are training images moved one pixel whose "
                        f"uncovered row or column is not blank: {how}. A shifted digit should lose the row or "
                        "column that leaves the image and gain a blank one.")
    unknown = sum(key not in right_labels for key in keys)
    if unknown:
        raise Incorrect(f"{unknown} images of `X_aug` are neither training images nor one-pixel shifts of them.")
    mislabelled = sum(not _is_label(label, right_labels[key]) for key, label in zip(keys, labels))
    if mislabelled:
        raise Incorrect(f"{mislabelled} of the {len(labels)} labels do not go with their images: the labels must "
                        "be repeated in the same order as the stacks of images.")
    counts = Counter(keys)
    if counts != right_counts:
        missing, extra = right_counts - counts, counts - right_counts
        absent = [name for name, part in zip(("unshifted",) + _DIRECTIONS, parts)
                  if sum(missing[key] for key in part) > len(part) // 2]
        if absent == ["unshifted"] and not extra:
            raise Incorrect("`X_aug` holds only the shifted copies; keep the original training images too.")
        lacking = f" (most of the {' and '.join(absent)} copies)" if absent else ""
        if extra and missing:
            raise Incorrect(f"`X_aug` holds some images more often than it should and lacks {sum(missing.values())} "
                            f"others{lacking}: each of the {n} training images should appear once unshifted and "
                            "once shifted in each of the four directions.")
        if missing:
            raise Incorrect(f"`X_aug` lacks {sum(missing.values())} images{lacking}: each of the {n} training images "
                            "should appear once unshifted and once shifted in each of the four directions.")
        raise Incorrect(f"`X_aug` holds {sum(extra.values())} images too many: some appear more than once. Each of "
                        f"the {n} training images should appear once unshifted and once shifted in each of the four "
                        "directions.")
    return f"{len(images)} training images, each digit now seen in five positions; the test images untouched."


def _is_label(label, right: set) -> bool:
    """Whether ``label`` (an int, an integral float, a NumPy number) is one of the ``right`` digits."""
    try:
        number = float(label)
    except (TypeError, ValueError):
        return False
    return number.is_integer() and int(number) in right


def _augment_answer(stack, labels, *, originals=True, tile=True, roll=False):
    import numpy as np

    from mlkit.topics import vision

    if roll:
        shifted = [np.roll(stack, d, axis=1 if dy else 2) for dy, dx in vision.SHIFTS for d in [dy or dx]]
    else:
        shifted = [vision.shift_images(stack, dy, dx) for dy, dx in vision.SHIFTS]
    parts = ([stack] if originals else []) + shifted
    repeat = np.tile if tile else np.repeat
    return Answer.of(np.concatenate(parts), repeat(labels, len(parts)))


@augment.wrong_answer
def augment_before_splitting():
    import numpy as np

    train_images, test_images, y_train, y_test = _split()
    return _augment_answer(np.concatenate([train_images, test_images]), np.concatenate([y_train, y_test]))


@augment.wrong_answer
def augment_labels_repeated_not_tiled():
    train_images, _, y_train, _ = _split()
    return _augment_answer(train_images, y_train, tile=False)


@augment.wrong_answer
def augment_without_originals():
    train_images, _, y_train, _ = _split()
    return _augment_answer(train_images, y_train, originals=False)


@augment.wrong_answer
def augment_with_roll():
    train_images, _, y_train, _ = _split()
    return _augment_answer(train_images, y_train, roll=True)


@augment.wrong_answer
def augment_labels_as_text():
    train_images, _, y_train, _ = _split()
    right = _augment_answer(train_images, y_train)
    return Answer.of(right.args[0], right.args[1].astype(str))


@augment.wrong_answer
def augment_edge_repeated():
    import numpy as np

    from mlkit.topics import vision

    train_images, _, y_train, _ = _split()
    shifted = [_edge_shift(train_images, dy, dx) for dy, dx in vision.SHIFTS]
    return Answer.of(np.concatenate([train_images, *shifted]), np.tile(y_train, 5))


@augment.wrong_answer
def augment_up_and_down_twice():
    import numpy as np

    from mlkit.topics import vision

    train_images, _, y_train, _ = _split()
    up_down = [vision.shift_images(train_images, dy, dx) for dy, dx in vision.SHIFTS[:2]]
    return Answer.of(np.concatenate([train_images, *up_down, *up_down]), np.tile(y_train, 5))


# --- 3. a convolutional layer: channels, filters, stride and padding ------------------------


def reference_conv_layer(image, kernels, bias, stride=1, padding=0):
    """One convolutional layer's output: zero padding, cross-correlation over all channels, stride, bias.

    Computed another way than the solution's loops: the image is padded with ``np.pad``,
    :func:`mlkit.topics.vision.correlate_channels` correlates it at every position (stride 1),
    and every ``stride``-th row and column of that is kept. Layouts are Keras's: ``image`` is
    (rows, cols, channels), ``kernels`` (k_rows, k_cols, channels, filters), ``bias`` (filters,);
    the result is (out_rows, out_cols, filters) with out = (side + 2 * padding - k) // stride + 1.
    """
    return _layer(image, kernels, bias, stride, ((padding, padding), (padding, padding)))


def _layer(image, kernels, bias, stride, pads, mode="constant"):
    """:func:`reference_conv_layer` with the padding of each side given, and ``np.pad``'s ``mode``."""
    import numpy as np

    from mlkit.topics import vision

    padded = np.pad(np.asarray(image, dtype=float), (*pads, (0, 0)), mode=mode)
    return vision.correlate_channels(padded, kernels)[::stride, ::stride] + np.asarray(bias, dtype=float)


LAYER_CASES = (
    # image (rows, cols, channels), kernels (k_rows, k_cols, channels, filters), stride, padding;
    # None: the call leaves stride and padding at their defaults (1 and 0).
    ((7, 10, 3), (3, 2, 3, 4), None, None),
    ((9, 6, 1), (2, 3, 1, 1), 3, 1),
    ((8, 11, 3), (3, 3, 3, 2), 2, 2),
    ((6, 5, 3), (2, 4, 3, 3), 1, 1),
    ((10, 7, 3), (4, 3, 3, 5), 3, 0),
)
"""The layers the check tries: non-square images and kernels, one and three channels, one and several
filters, strides that do not divide the padded size evenly, paddings 0 to 2; every output has more
rows than columns or the other way round."""


def _layer_cases():
    """(image, kernels, bias, stride, padding, keywords) for each of :data:`LAYER_CASES`."""
    import numpy as np

    rng = np.random.default_rng(22)
    cases = []
    for image_shape, kernel_shape, stride, padding in LAYER_CASES:
        image = rng.uniform(0.0, 16.0, image_shape)  # grey levels: uncentred, all positive
        kernels = rng.normal(0.2, 1.0, kernel_shape)
        filters = kernel_shape[-1]
        bias = rng.uniform(1.0, 3.0, filters) * rng.choice([-1.0, 1.0], filters)  # far from zero, both signs
        keywords = {} if stride is None else {"stride": stride, "padding": padding}
        cases.append((image, kernels, bias, stride or 1, padding or 0, keywords))
    return cases


def _close(got, expected) -> bool:
    """Equal to float32's precision, whatever the learner computed in (relative to the largest value)."""
    import numpy as np

    scale = max(1.0, float(np.abs(expected).max()))
    return bool(np.allclose(got, expected, rtol=1e-6, atol=1e-6 * scale))


def _many(count: int, thing: str) -> str:
    return f"{count} {thing}{'s' if count != 1 else ''}"


def _out_size(side: int, k: int, stride: int, padding: int) -> int:
    return (side + 2 * padding - k) // stride + 1


def _takes_channels_first(layer, image, kernels, bias, keywords, expected) -> bool:
    """Whether ``layer`` gives the right maps when the image comes channels first, (channels, rows, cols).

    The kernels are offered as given and in PyTorch's layout (filters, channels, k_rows, k_cols);
    the maps are taken in either layout.
    """
    import numpy as np

    image_first = np.ascontiguousarray(np.moveaxis(image, -1, 0))
    for weights in (kernels, np.transpose(kernels, (3, 2, 0, 1))):
        try:
            got = np.asarray(call_learner(layer, image_first.copy(), weights.copy(), bias.copy(), **keywords),
                             dtype=float)
        except Exception:  # noqa: BLE001 - a function that cannot take this layout does not take it
            continue
        for maps in (expected, np.moveaxis(expected, -1, 0)):
            if got.shape == maps.shape and _close(got, maps):
                return True
    return False


def _layer_shape_mistake(shape, image, kernels, stride, padding, expected_shape, got=None, bias=None) -> str | None:
    """What a wrong output shape says about the mistake, or None when it says nothing definite.

    A shape that is the unpadded layer's names the missing padding only when the values ``got``
    are also that layer's (a padded image with a slip in the size formula can give the same
    shape); otherwise the message gives the size formula.
    """
    (rows, cols, channels), (k_rows, k_cols, _, filters) = image.shape, kernels.shape
    out_rows, out_cols, _ = expected_shape
    if shape == (filters, out_rows, out_cols):
        return ("the filters come first. Keep Keras's layout, channels last: one row per output row, one column "
                "per output column, and the filters along the last axis, (out_rows, out_cols, filters).")
    if shape == (out_cols, out_rows, filters):
        return ("rows and columns swapped: the first axis of the output follows the image's rows (with the kernel's "
                "rows, the stride and the padding), the second its columns.")
    if padding and shape == (_out_size(rows, k_rows, stride, 0), _out_size(cols, k_cols, stride, 0), filters):
        if _values_are(got, lambda: _layer(image, kernels, bias, stride, ((0, 0), (0, 0)))):
            return (f"that is the layer without padding, shape and values. With padding={padding}, add "
                    f"{_many(padding, 'row')} of zeros above the image and as many below, and "
                    f"{_many(padding, 'column')} on each side, before sliding the kernels.")
        return _SIZE_FORMULA
    if stride > 1 and shape == (_out_size(rows, k_rows, 1, padding), _out_size(cols, k_cols, 1, padding), filters):
        pads = ((padding, padding), (padding, padding))
        if _values_are(got, lambda: _layer(image, kernels, bias, 1, pads)):
            return (f"that is the layer for stride 1, every position: with stride={stride}, the window moves "
                    f"{stride} pixels at a time, down and across, so the output keeps one position in every "
                    f"{stride}.")
        return _SIZE_FORMULA
    if shape == ((rows + 2 * padding - k_rows) // stride, (cols + 2 * padding - k_cols) // stride, filters):
        return ("one row and one column short: the number of positions is (side + 2 * padding - k) // stride + 1; "
                "the + 1 counts the first position, where the window starts at the top or left edge.")
    if shape in ((out_rows, out_cols, channels, filters), (out_rows, out_cols, channels)) and channels > 1:
        return ("it holds one map per input channel. A filter gives one map: add up the products over the window "
                "and over all the input channels.")
    if filters == 1 and shape == (out_rows, out_cols):
        return "the filter axis is missing: keep it even for one filter, an output of shape (out_rows, out_cols, 1)."
    return None


_SIZE_FORMULA = ("the number of output rows and columns is not (side + 2 * padding - k) // stride + 1 for each "
                 "side; the padding is added on both sides, so it counts twice.")


def _values_are(got, values) -> bool:
    """Whether the learner's output ``got`` (any array-like, or None) equals ``values()`` to float32's precision."""
    import numpy as np

    if got is None:
        return False
    try:
        array = np.asarray(got, dtype=float)
        expected = values()
    except (TypeError, ValueError):
        return False
    return array.shape == expected.shape and bool(np.isfinite(array).all()) and _close(array, expected)


def _layer_value_mistake(got, image, kernels, bias, stride, padding) -> str | None:
    """What the values of an output of the right shape say about the mistake, or None."""
    import numpy as np

    channels = image.shape[2]
    pads = ((padding, padding), (padding, padding))
    expected = _layer(image, kernels, bias, stride, pads)
    out_rows, out_cols = expected.shape[:2]
    candidates = [
        (_layer(image, kernels[::-1, ::-1], bias, stride, pads),
         "the kernels are flipped upside down and left to right: that is a convolution in the mathematical sense. "
         "A convolutional layer computes a cross-correlation: multiply each window by the kernel as it is."),
        (expected - bias, "the bias is missing: add each filter's bias to every value of its map."),
    ]
    if channels > 1:
        candidates += [
            (expected + (channels - 1) * bias,
             f"the bias is added once per input channel ({channels} times); it belongs to the filter: add it once "
             "to each output value, after summing over the channels."),
            (_layer(image[..., :1], kernels[:, :, :1], bias, stride, pads),
             f"only the first input channel counts: the image has {channels}, and a filter's output adds up the "
             "products of every channel with its own slice of the kernel."),
            (_layer(image[..., -1:], kernels[:, :, -1:], bias, stride, pads),
             f"only the last of the {channels} input channels counts: does a loop over the channels replace the "
             "value (=) where it should add to it (+=)?"),
            ((expected - bias) / channels + bias,
             "the input channels are averaged; a filter's output is their sum, not their mean."),
        ]
    if stride > 1:
        candidates.append((_layer(image, kernels, bias, 1, pads)[:out_rows, :out_cols],
                           f"the windows move one pixel at a time: output position (i, j) should read the window "
                           f"that starts at row i * stride and column j * stride (stride={stride})."))
    if padding:
        candidates += [
            (_layer(image, kernels, bias, stride, ((0, 2 * padding), (0, 2 * padding))),
             f"the padding is all at the bottom and right (where the lesson's Keras \"same\" put only an odd extra "
             f"row); padding={padding} means {_many(padding, 'row')} of zeros above the image and as many below, "
             f"and {_many(padding, 'column')} on the left and as many on the right."),
            (_layer(image, kernels, bias, stride, ((2 * padding, 0), (2 * padding, 0))),
             f"the padding is all at the top and left; padding={padding} means {_many(padding, 'row')} of zeros "
             f"above the image and as many below, and {_many(padding, 'column')} on the left and as many on the "
             "right."),
            (_layer(image, kernels, bias, stride, pads, mode="edge"),
             "the border repeats the image's edge pixels; zero padding adds pixels of value 0."),
        ]
    candidates += [
        (np.trunc(expected), "its values are the right ones cut to whole numbers (the decimals dropped): an array "
                             "of integers, such as `np.zeros(shape, dtype=int)`, stores its values that way."),
        (np.round(expected), "its values are the right ones rounded to whole numbers; give them unrounded."),
    ]
    for values, mistake in candidates:
        if _close(got, values):
            return mistake
    untouched = sum(int((~np.any(got, axis=axes) & np.any(expected, axis=axes)).sum()) for axes in ((1, 2), (0, 2)))
    if untouched:
        return (f"{_many(untouched, 'row')} or columns of the output maps are left at 0: the loops do not reach every "
                "output position. Each loop runs over its own axis of the output.")
    return None


@EXERCISES.exercise(
    "conv_layer",
    title="The forward pass of a convolutional layer: channels, filters, stride and padding",
    hints=(
        "Pad first, then slide. `np.pad` adds `padding` zeros on each side of the rows and the columns (and none "
        "to the channels); on the padded image, a kernel of `k_rows` rows fits at "
        "`(padded_rows - k_rows) // stride + 1` positions down, and likewise across.",
        "Output position `(i, j)` reads the window `padded[i * stride:i * stride + k_rows, j * stride:j * stride "
        "+ k_cols, :]`, all channels. For filter `f`, multiply it by `kernels[:, :, :, f]`, sum everything, "
        "add `bias[f]`. Do not flip the kernels.",
        "Try a case you can work out by hand: a 3 x 3 image of ones with 2 channels, kernels of ones of shape "
        "(2, 2, 2, 1), bias [0.0], stride 2 and padding 1 give a 2 x 2 x 1 output holding 2, 4, 4 and 8 (the "
        "first window covers one pixel of the image and three of padding, in each of the two channels). Then, "
        "with stride 1 and padding 0, compare a random case with `vision.correlate_channels(image, kernels) "
        "+ bias`.",
    ),
)
def conv_layer(layer):
    import numpy as np

    from mlkit.topics import vision

    name = "conv_layer"
    _expect_function(layer, name)
    if layer is vision.correlate_channels:
        raise Incorrect(f"`{name}` is the kit's `vision.correlate_channels` itself, which has no stride, padding "
                        "or bias; the exercise asks you to write the layer with NumPy.")
    for image, kernels, bias, stride, padding, keywords in _layer_cases():
        (rows, cols, channels), (k_rows, k_cols, _, filters) = image.shape, kernels.shape
        expected = reference_conv_layer(image, kernels, bias, stride, padding)
        label = (f"`{name}` on a {rows} x {cols} image of {channels} channel{'s' if channels > 1 else ''} with "
                 f"{filters} filter{'s' if filters > 1 else ''} of {k_rows} x {k_cols}, stride {stride} and "
                 f"padding {padding}")
        try:
            raw = call_learner(layer, image.copy(), kernels.copy(), bias.copy(), **keywords)
        except LearnerCodeError:
            if _takes_channels_first(layer, image, kernels, bias, keywords, expected):
                raise Incorrect(_CHANNELS_FIRST) from None
            raise
        if raw is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        if raw is None:
            raise Incorrect(f"{label} returns None: does the function end with a `return` of the output maps?")
        refuse_non_numbers(raw, name=label, what="numbers, one per output position and filter")
        if not isinstance(raw, (list, tuple, np.ndarray)):
            raise Incorrect(f"{label} returns a {type(raw).__name__}, not an array: return the output maps, an "
                            f"array of shape {expected.shape}.")
        try:
            shape = np.shape(raw)
        except (TypeError, ValueError):  # a ragged list: returned_array below says what it is
            shape = None
        if shape is not None and shape != expected.shape:
            mistake = _layer_shape_mistake(shape, image, kernels, stride, padding, expected.shape, raw, bias)
            if mistake is None and _takes_channels_first(layer, image, kernels, bias, keywords, expected):
                mistake = _CHANNELS_FIRST
            if mistake is not None:
                raise Incorrect(f"{label} has shape {shape}: {mistake}")
            raise Incorrect(f"{label} has shape {shape}; for these inputs a shape of {expected.shape} is expected: "
                            "(rows + 2 * padding - k_rows) // stride + 1 output rows, (cols + 2 * padding - k_cols) "
                            "// stride + 1 output columns, and one map per filter.")
        got = returned_array(raw, name=label, shape=expected.shape,
                             holding="numbers, one per output position and filter")
        if not np.isfinite(got).all():
            raise Incorrect(f"{label} contains NaN or infinite values; every output value is a finite sum of "
                            "products plus a bias.")
        if _close(got, expected):
            continue
        mistake = _layer_value_mistake(got, image, kernels, bias, stride, padding)
        if mistake is not None:
            raise Incorrect(f"{label} gives the right shape, but {mistake}")
        refuse_rounded(got, expected, name=name)
        if _takes_channels_first(layer, image, kernels, bias, keywords, expected):
            raise Incorrect(_CHANNELS_FIRST)
        raise Incorrect(f"{label} gives the right shape but wrong values: each output value is the sum, over one "
                        "window of the zero-padded image and over all its channels, of the window times the "
                        "filter's kernel, plus the filter's bias.")
    return ("right for one and three channels, one and several filters, strides 1 to 3 and paddings 0 to 2: "
            "this is what a `Conv2D` layer computes before its activation.")


_CHANNELS_FIRST = ("your function reads the image channels first, (channels, rows, cols), as PyTorch stores it: "
                   "given that layout it gives the right maps. The exercise, like Keras, puts the channels last: "
                   "`image` is (rows, cols, channels) and `kernels` (k_rows, k_cols, channels, filters).")


def _layer_of(*, flip=False, bias_times=None, no_bias=False, padding_ignored=False, stride_ignored=False,
              windows_unstrided=False, one_channel=None, pads=None, mode="constant", short=False,
              dtype=float):
    """A learner's conv_layer, written with loops, with one slip."""

    def learner(image, kernels, bias, stride=1, padding=0):
        import numpy as np

        k = kernels[::-1, ::-1] if flip else kernels
        if one_channel is not None:
            image, k = image[..., one_channel:][..., :1], k[:, :, one_channel:][:, :, :1]
        p = 0 if padding_ignored else padding
        widths = ((p, p), (p, p)) if pads is None else tuple((a * p, b * p) for a, b in pads)
        padded = np.pad(image, (*widths, (0, 0)), mode=mode)
        s = 1 if stride_ignored else stride
        k_rows, k_cols, _, filters = k.shape
        out_rows = (padded.shape[0] - k_rows) // s + (0 if short else 1)
        out_cols = (padded.shape[1] - k_cols) // s + (0 if short else 1)
        out = np.zeros((out_rows, out_cols, filters), dtype=dtype)
        step = 1 if windows_unstrided else s
        for i in range(out_rows):
            for j in range(out_cols):
                window = padded[i * step:i * step + k_rows, j * step:j * step + k_cols, :]
                for f in range(filters):
                    total = np.sum(window * k[:, :, :, f])
                    if not no_bias:
                        total += bias[f] * (image.shape[2] if bias_times == "channels" else 1)
                    out[i, j, f] = total
        return out

    return learner


def _channels_first_layer(image, kernels, bias, stride=1, padding=0):
    """A right layer in PyTorch's layouts: image (channels, rows, cols), kernels (filters, channels, k_rows, k_cols)."""
    import numpy as np

    padded = np.pad(image, ((0, 0), (padding, padding), (padding, padding)))
    filters, _, k_rows, k_cols = kernels.shape
    out_rows, out_cols = (padded.shape[1] - k_rows) // stride + 1, (padded.shape[2] - k_cols) // stride + 1
    out = np.zeros((filters, out_rows, out_cols))
    for i in range(out_rows):
        for j in range(out_cols):
            window = padded[:, i * stride:i * stride + k_rows, j * stride:j * stride + k_cols]
            out[:, i, j] = np.einsum("cab,fcab->f", window, kernels) + bias
    return out


@conv_layer.wrong_answer
def conv_layer_without_padding():
    return Answer.of(_layer_of(padding_ignored=True))


@conv_layer.wrong_answer
def conv_layer_stride_ignored():
    return Answer.of(_layer_of(stride_ignored=True))


@conv_layer.wrong_answer
def conv_layer_windows_not_strided():
    return Answer.of(_layer_of(windows_unstrided=True))


@conv_layer.wrong_answer
def conv_layer_size_without_the_plus_one():
    return Answer.of(_layer_of(short=True))


@conv_layer.wrong_answer
def conv_layer_first_channel_only():
    return Answer.of(_layer_of(one_channel=0))


@conv_layer.wrong_answer
def conv_layer_last_channel_only():
    return Answer.of(_layer_of(one_channel=-1))


@conv_layer.wrong_answer
def conv_layer_channels_averaged():
    def learner(image, kernels, bias, stride=1, padding=0):
        return (_layer_of(no_bias=True)(image, kernels, bias, stride, padding) / image.shape[2]
                + bias)

    return Answer.of(learner)


@conv_layer.wrong_answer
def conv_layer_kernels_flipped():
    return Answer.of(_layer_of(flip=True))


@conv_layer.wrong_answer
def conv_layer_without_bias():
    return Answer.of(_layer_of(no_bias=True))


@conv_layer.wrong_answer
def conv_layer_bias_per_channel():
    return Answer.of(_layer_of(bias_times="channels"))


@conv_layer.wrong_answer
def conv_layer_rows_and_columns_swapped():
    return Answer.of(lambda image, kernels, bias, stride=1, padding=0:
                     _layer_of()(image, kernels, bias, stride, padding).transpose(1, 0, 2))


@conv_layer.wrong_answer
def conv_layer_filters_first():
    return Answer.of(lambda image, kernels, bias, stride=1, padding=0:
                     _layer_of()(image, kernels, bias, stride, padding).transpose(2, 0, 1))


@conv_layer.wrong_answer
def conv_layer_channels_first():
    return Answer.of(_channels_first_layer)


@conv_layer.wrong_answer
def conv_layer_padded_at_the_bottom_and_right():
    return Answer.of(_layer_of(pads=((0, 2), (0, 2))))


@conv_layer.wrong_answer
def conv_layer_edge_padding():
    return Answer.of(_layer_of(mode="edge"))


@conv_layer.wrong_answer
def conv_layer_integer_output():
    return Answer.of(_layer_of(dtype=int))


@conv_layer.wrong_answer
def conv_layer_the_kit_function():
    from mlkit.topics import vision

    return Answer.of(vision.correlate_channels)


# --- 4. the gradient of a filter ---------------------------------------------------------


def reference_kernel_gradient(images, kernel, targets):
    """Gradient, with respect to ``kernel``, of the mean squared error between the response maps and ``targets``.

    Computed another way than the solution's: each window of each image is a row of
    :func:`mlkit.topics.vision.image_patches`, and the gradient of a least-squares loss is
    ``2 / M * patches.T @ errors``.
    """
    import numpy as np

    from mlkit.topics import vision

    kernel = np.asarray(kernel, dtype=float)
    patches = vision.image_patches(images, kernel.shape)
    errors = patches @ kernel.ravel() - np.asarray(targets, dtype=float).ravel()
    return (2.0 / errors.size * patches.T @ errors).reshape(kernel.shape)


def _gradient_cases():
    """Stacks, kernels and targets the check makes itself: uncentred pixels, non-square kernels, odd sizes."""
    import numpy as np

    rng = np.random.default_rng(22)
    cases = []
    for n, (rows, cols), (k_rows, k_cols) in (
        (3, (6, 7), (2, 3)), (2, (5, 5), (3, 3)), (4, (9, 4), (3, 2)), (1, (4, 6), (1, 3)),
    ):
        images = rng.uniform(0.0, 16.0, (n, rows, cols))
        kernel = rng.normal(0.3, 1.0, (k_rows, k_cols))
        targets = rng.normal(2.0, 5.0, (n, rows - k_rows + 1, cols - k_cols + 1))
        cases.append((images, kernel, targets))
    return cases


def _scale_of(got, expected):
    """``c`` when ``got`` is ``c * expected`` (to 1e-6), else ``None``."""
    import numpy as np

    norm = float(np.sum(expected * expected))
    if norm == 0.0:
        return None
    c = float(np.sum(got * expected)) / norm
    return c if np.allclose(got, c * expected, rtol=1e-6, atol=1e-9 * max(1.0, abs(c))) else None


@EXERCISES.exercise(
    "gradient",
    title="The gradient of a convolutional filter's weights",
    hints=(
        "Start from the error maps: the filter's response maps (`vision.correlate_images(images, kernel)`) "
        "minus the targets. The gradient has one value per weight of the kernel, so it has the kernel's shape.",
        "For one image, the lesson's formula is a cross-correlation of the image with its error map: "
        "`vision.correlate2d(image, error)` has the kernel's shape. Add these up over the images, then scale.",
        "The loss is a mean over every value of every map: the factor in front is 2 divided by the number of "
        "values in all the error maps together (`error.size`), not by the number of images.",
    ),
)
def gradient(kernel_gradient):
    import numpy as np

    _expect_function(kernel_gradient, "kernel_gradient")
    for images, kernel, targets in _gradient_cases():
        n, rows, cols = images.shape
        label = (f"`kernel_gradient` for {n} image{'s' if n > 1 else ''} of {rows} x {cols} with a "
                 f"{kernel.shape[0]} x {kernel.shape[1]} kernel")
        expected = reference_kernel_gradient(images, kernel, targets)
        raw = call_learner(kernel_gradient, images.copy(), kernel.copy(), targets.copy())
        if raw is not Ellipsis and np.shape(raw) == targets.shape:
            raise Incorrect(f"{label} has the shape of the error maps, {targets.shape}. The gradient has one value "
                            "per weight of the kernel: add up over the images and the positions.")
        got = returned_array(raw, name=label, shape=expected.shape, holding="numbers, one per weight of the kernel")
        if np.allclose(got, expected, rtol=1e-5, atol=1e-8):
            continue
        if not np.isfinite(got).all():
            raise Incorrect(f"{label} contains NaN or infinite values.")
        if np.allclose(got, expected[::-1, ::-1], rtol=1e-5, atol=1e-8):
            raise Incorrect(f"{label} is the right gradient flipped upside down and left to right. The weight "
                            "K[a, b] multiplies the pixel a rows below and b columns to the right of each output "
                            "position: pair the error maps with the images as a cross-correlation, without flipping.")
        scale = _scale_of(got, expected)
        if scale is not None and np.isclose(scale, -1.0):
            raise Incorrect(f"{label} points the opposite way: a step against it would increase the loss. "
                            "Check the sign of the error: the response minus the target.")
        if scale is not None and scale > 0:
            values = targets.size
            if np.isclose(scale, 0.5):
                raise Incorrect(f"{label} is half the gradient: the derivative of a square brings a factor 2.")
            if np.isclose(scale, values) or np.isclose(scale, values / 2):
                raise Incorrect(f"{label} is the gradient of the summed squared errors; the loss is their mean "
                                "over all the values of all the maps.")
            if n > 1 and np.isclose(scale, values / n):
                raise Incorrect(f"{label} is divided by the number of images; the mean runs over every value of "
                                "every map, all positions of all images.")
            raise Incorrect(f"{label} points the right way but has the wrong size: check the constant in front, "
                            "the factor from the square and the number of values the mean runs over.")
        if n > 1 and any(_scale_of(got, reference_kernel_gradient(images[k:k + 1], kernel, targets[k:k + 1]))
                         for k in (0, n - 1)):
            raise Incorrect(f"{label} depends on one image of the stack only; the loss is a mean over all the "
                            "images, so every image's error maps add to the gradient.")
        refuse_rounded(got, expected, name="kernel_gradient")
        raise Incorrect(f"{label} gives wrong values: each weight's gradient sums, over every image and every "
                        "output position, the error there times the pixel that weight multiplied.")
    return ("right for stacks of several images and square and non-square kernels: this is the gradient "
            "backpropagation gives a convolutional layer's weights.")


def _gradient_of(*, sign=1.0, factor=2.0, mean_over="values", flip=False, first_image_only=False):
    """A learner's kernel_gradient with one slip: the error's sign, the factor, what the mean divides by, a flip."""

    def learner(images, kernel, targets):
        import numpy as np

        from mlkit.topics import vision

        error = sign * (vision.correlate_images(images, kernel) - targets)
        pairs = list(zip(images, error))[:1] if first_image_only else zip(images, error)
        total = sum(vision.correlate2d(image, e) for image, e in pairs)
        count = {"values": error.size, "images": len(images), "none": 1}[mean_over]
        total = factor * np.asarray(total) / count
        return total[::-1, ::-1] if flip else total

    return learner


@gradient.wrong_answer
def gradient_sign_flipped():
    return Answer.of(_gradient_of(sign=-1.0))


@gradient.wrong_answer
def gradient_without_the_factor_two():
    return Answer.of(_gradient_of(factor=1.0))


@gradient.wrong_answer
def gradient_of_the_sum():
    return Answer.of(_gradient_of(mean_over="none"))


@gradient.wrong_answer
def gradient_mean_over_images_only():
    return Answer.of(_gradient_of(mean_over="images"))


@gradient.wrong_answer
def gradient_flipped_like_a_convolution():
    return Answer.of(_gradient_of(flip=True))


@gradient.wrong_answer
def gradient_of_the_first_image_only():
    return Answer.of(_gradient_of(first_image_only=True))


# --- 5. the backward pass of a convolutional layer ----------------------------------------


BACKWARD_CASES = (
    # image (rows, cols, channels), kernels (k_rows, k_cols, channels, filters), stride, padding, how the check calls:
    # "defaults" leaves stride and padding out, "positional" passes them by position, "keywords" by name.
    ((7, 10, 3), (3, 3, 3, 4), 1, 0, "defaults"),
    ((10, 6, 1), (2, 2, 1, 2), 3, 1, "positional"),
    ((8, 11, 3), (3, 3, 3, 2), 2, 2, "keywords"),
    ((6, 5, 3), (2, 2, 3, 3), 1, 1, "keywords"),
    ((11, 7, 3), (4, 4, 3, 3), 3, 0, "positional"),
    ((9, 7, 3), (2, 3, 3, 2), 2, 1, "keywords"),  # last: a function that fails only here assumed square kernels
)
"""The layers whose backward pass the check tries: non-square images, one and three channels, several
filters, square and non-square kernels, paddings 0 to 2, strides 1 to 3 that leave part of the padded image
outside every window (so some pixels get no gradient at all); every output has more rows than columns or the
other way round."""


def _backward_forward(xp, image, kernels, bias, stride, padding):
    """:func:`reference_conv_layer` written with the array module ``xp`` (NumPy or jax.numpy): every window
    gathered at once by index arrays, then one ``einsum``."""
    import numpy as np

    k_rows, k_cols = kernels.shape[:2]
    padded = xp.pad(image, ((padding, padding), (padding, padding), (0, 0)))
    out_rows = (padded.shape[0] - k_rows) // stride + 1
    out_cols = (padded.shape[1] - k_cols) // stride + 1
    rows = (stride * np.arange(out_rows))[:, None, None, None] + np.arange(k_rows)[None, None, :, None]
    cols = (stride * np.arange(out_cols))[None, :, None, None] + np.arange(k_cols)[None, None, None, :]
    windows = padded[rows, cols]  # (out_rows, out_cols, k_rows, k_cols, channels)
    return xp.einsum("ijabc,abcf->ijf", windows, kernels) + bias


def reference_conv_backward(image, kernels, dY, stride=1, padding=0):
    """The gradients (dX, dK, db) of ``sum(conv_layer(image, kernels, bias, stride, padding) * dY)``.

    Computed by ``jax.grad`` (in float64, compiled once per case with ``jax.jit``) of a forward pass written another way than the solution's
    loops (:func:`_backward_forward`), so it shares no slip with a learner's scatter. Layouts are
    Keras's: ``image`` (rows, cols, channels), ``kernels`` (k_rows, k_cols, channels, filters), ``dY``
    (out_rows, out_cols, filters); dX, dK and db have the shapes of the image, the kernels and the bias.
    """
    import jax
    import jax.numpy as jnp
    import numpy as np

    with jax.enable_x64(True):
        dY = jnp.asarray(dY, dtype=jnp.float64)

        def loss(x, k, b):
            return jnp.sum(_backward_forward(jnp, x, k, b, stride, padding) * dY)

        grads = jax.jit(jax.grad(loss, argnums=(0, 1, 2)))(jnp.asarray(image, dtype=jnp.float64),
                                                 jnp.asarray(kernels, dtype=jnp.float64),
                                                 jnp.zeros(np.shape(kernels)[-1], dtype=jnp.float64))
        return tuple(np.asarray(g, dtype=float) for g in grads)


@lru_cache(maxsize=1)
def _backward_cases():
    """(image, kernels, dY, stride, padding, how, (dX, dK, db)) for each of :data:`BACKWARD_CASES`."""
    import numpy as np

    rng = np.random.default_rng(2022)
    cases = []
    for image_shape, kernel_shape, stride, padding, how in BACKWARD_CASES:
        image = rng.uniform(0.0, 16.0, image_shape)  # grey levels: uncentred, all positive
        kernels = rng.normal(0.2, 1.0, kernel_shape)
        out_rows = _out_size(image_shape[0], kernel_shape[0], stride, padding)
        out_cols = _out_size(image_shape[1], kernel_shape[1], stride, padding)
        dY = rng.normal(0.5, 1.0, (out_rows, out_cols, kernel_shape[-1]))  # uncentred: its sum is not 0
        expected = reference_conv_backward(image, kernels, dY, stride, padding)
        cases.append((image, kernels, dY, stride, padding, how, expected))
    return tuple(cases)


def _scatter_backward(image, kernels, dY, stride, padding, *, step=None, flip_dx=False, flip_dk=False,
                      dk_last_only=False, crop=True, square=False):
    """The gradients written as the solution's scatter, with one slip each: what the messages compare with.

    Withheld while the learner's code runs (:func:`conv_backward`): without its slips it is a whole answer.
    """
    import numpy as np

    k_rows, k_cols = kernels.shape[:2]
    if square:  # the slip of `k = kernels.shape[0]`: every window k_rows wide as well
        k_cols = k_rows
    step = stride if step is None else step
    weights = kernels[::-1, ::-1] if flip_dx else kernels
    padded = np.pad(image, ((padding, padding), (padding, padding), (0, 0)))
    d_padded = np.zeros(padded.shape)
    dK = np.zeros(kernels.shape)
    for i in range(dY.shape[0]):
        for j in range(dY.shape[1]):
            window = padded[i * stride:i * stride + k_rows, j * stride:j * stride + k_cols, :, np.newaxis]
            dK = window * dY[i, j] if dk_last_only else dK + window * dY[i, j]
            rows, cols = slice(i * step, i * step + k_rows), slice(j * step, j * step + k_cols)
            d_padded[rows, cols] += weights @ dY[i, j]
    if flip_dk:
        dK = dK[::-1, ::-1]
    dX = d_padded[padding:padding + image.shape[0], padding:padding + image.shape[1]] if crop else d_padded
    return dX, dK, dY.sum(axis=(0, 1))


_BACKWARD_NAMES = ("dX", "dK", "db")


def _backward_parts(raw, label):
    """The learner's (dX, dK, db) as they returned them, or Incorrect when it is not three things."""
    import numpy as np

    if raw is None:
        raise Incorrect(f"{label} returns None: does the function end with `return dX, dK, db`?")
    if isinstance(raw, np.ndarray) or not isinstance(raw, (tuple, list)):
        raise Incorrect(f"{label} returns a {type(raw).__name__}; return three arrays, `dX, dK, db`, in that order.")
    if len(raw) != 3:
        raise Incorrect(f"{label} returns {len(raw)} values; return three, `dX, dK, db`, in that order.")
    return raw


def _backward_shape_mistake(shapes, image, kernels, padding, expected) -> str | None:
    """What the shapes of the three returned values say, or None when each has its right shape."""
    import itertools

    wanted = [e.shape for e in expected]
    if shapes == wanted:
        return None
    for order in itertools.permutations(range(3)):
        if order != (0, 1, 2) and [wanted[k] for k in order] == shapes:
            named = ", ".join(_BACKWARD_NAMES[k] for k in order)
            return (f"the three gradients come in the order {named} (judging by their shapes); return them as "
                    "`dX, dK, db`: the image's, the kernels', the bias's.")
    rows, cols, channels = image.shape
    k_rows, k_cols, _, filters = kernels.shape
    dX, dK, db = shapes
    if dX != wanted[0]:
        if padding and dX == (rows + 2 * padding, cols + 2 * padding, channels):
            return (f"dX has the shape of the padded image, {dX}: the padding is not part of the input, so the "
                    f"gradient that falls on it is dropped. Keep the rows and columns of the image itself, "
                    f"{_many(padding, 'row')} and {_many(padding, 'column')} in from each side.")
        if dX == (rows, cols):
            return f"dX has shape {dX}: keep the channel axis, one gradient per pixel and channel, shape {wanted[0]}."
        return f"dX has shape {dX}; it should have the image's shape, {wanted[0]}."
    if dK != wanted[1]:
        if dK == (k_rows, k_cols, filters, channels) and filters != channels:
            return (f"dK has shape {dK}, its last two axes swapped: it has the kernels' shape, (k_rows, k_cols, "
                    f"in_channels, filters) = {wanted[1]}.")
        return f"dK has shape {dK}; it should have the kernels' shape, {wanted[1]}."
    if db == wanted[2] + (1,) or db == (1,) + wanted[2] or db == ():
        return f"db has shape {db}; it should be one number per filter, shape {wanted[2]}."
    if len(db) == 3 and db[-1] == filters:
        return (f"db has shape {db}, one value per output position and filter: the bias is added at every position, "
                "so its gradient adds dY up over all the positions, one number per filter.")
    return f"db has shape {db}; it should be one number per filter, shape {wanted[2]}."


def _backward_value_mistakes(got, image, kernels, dY, stride, padding, expected) -> str:
    """What is wrong with the values of the three gradients (each of the right shape)."""
    import numpy as np

    dX, dK, db = got
    channels = image.shape[2]
    ok = [_close(g, e) for g, e in zip(got, expected)]
    if not ok[0]:
        candidates = [
            (_scatter_backward(image, kernels, dY, stride, padding, flip_dx=True)[0],
             "dX is what the kernels flipped upside down and left to right would give. Sent back position by "
             "position, the gradient goes through the weights as the forward pass used them (weight [a, b] to the "
             "pixel a rows down and b columns across in the window), not flipped; written as a full correlation "
             "of dY, it is the kernels rotated by 180 degrees, once."),
        ]
        if stride > 1:
            candidates.append((_scatter_backward(image, kernels, dY, stride, padding, step=1)[0],
                               f"dX puts each output position's gradient at row i and column j; the window of "
                               f"position (i, j) starts at row i * stride and column j * stride (stride={stride}), "
                               "and the gradient goes back to that window."))
        if channels > 1:
            only_first = np.zeros_like(expected[0])
            only_first[..., 0] = expected[0][..., 0]
            candidates.append((only_first, f"only channel 0 of dX is filled; the image has {channels} channels, "
                                           "and each pixel of each channel gets its own gradient."))
        for values, mistake in candidates:
            if _close(dX, values):
                return mistake
        if padding:
            shifted = _scatter_backward(image, kernels, dY, stride, padding, crop=False)[0][:image.shape[0],
                                                                                            :image.shape[1]]
            if _close(dX, shifted):
                return ("dX is cut from the top-left corner of the padded image's gradient; the image starts "
                        f"{_many(padding, 'row')} down and {_many(padding, 'column')} across, after the padding.")
        return ("dX gives wrong values: each pixel's gradient adds up, over every output position whose window "
                "covers it and every filter, dY there times the weight that multiplied the pixel.")
    if not ok[1]:
        for values, mistake in (
            (_scatter_backward(image, kernels, dY, stride, padding, flip_dk=True)[1],
             "dK is flipped upside down and left to right: weight [a, b] multiplied the pixel a rows down and b "
             "columns across in each window, so its gradient pairs dY with those pixels, without flipping."),
            (_scatter_backward(image, kernels, dY, stride, padding, dk_last_only=True)[1],
             "dK holds the last output position's contribution only: each weight is used at every position, so "
             "its gradient adds up the contributions of all of them (+=, not =)."),
            (expected[1] / (dY.shape[0] * dY.shape[1]),
             "dK is divided by the number of output positions: the forward pass adds the products up, so the "
             "gradient is their sum, not their mean."),
        ):
            if _close(dK, values):
                return mistake
        return ("dK gives wrong values: each weight's gradient adds up, over every output position, dY there times "
                "the pixel of the padded image that the weight multiplied.")
    if _close(db, expected[2] / (dY.shape[0] * dY.shape[1])):
        return ("db is divided by the number of output positions: the bias is added at every position, so its "
                "gradient is the sum of dY over the positions, not the mean.")
    if _close(db, dY[0, 0]) or _close(db, dY[-1, -1]):
        return ("db is dY at one output position; the bias is added at every position, so its gradient adds dY "
                "up over all of them.")
    return "db gives wrong values: each filter's bias gradient adds up dY over every output position of its map."


@EXERCISES.exercise(
    "conv_backward",
    title="The backward pass of a convolutional layer: gradients of the input, the kernels and the bias",
    hints=(
        "Go through the forward pass position by position. Output `[i, j, f]` used the window of the padded "
        "image that starts at row `i * stride` and column `j * stride`, filter `f`'s kernel and `bias[f]`; "
        "`dY[i, j, f]` says how much the loss changes with it. Each thing that was used gets `dY[i, j, f]` times "
        "what it was multiplied by, added up (`+=`) over all the positions.",
        "Start from zeros: `dK` of the kernels' shape and a gradient of the *padded* image's shape. At each "
        "position `(i, j)`, `dK` gains the window times `dY[i, j]` (a new last axis on the window makes one "
        "kernel per filter), and the padded gradient's window gains `kernels @ dY[i, j]`. `db` is `dY` summed "
        "over the rows and columns. At the end, cut the padding off the padded gradient.",
        "Check it on a case you can work out by hand: a 2 x 2 image of ones with one channel, a kernel of ones "
        "(2, 2, 1, 1), stride 1, padding 0 and dY = [[[1.0]]] give dX of ones, dK of ones and db = [1.0]. "
        "With padding 1 the output is 3 x 3; with dY all ones, each pixel is covered by 4 windows, so dX is 4 "
        "everywhere. Then compare with `jax.grad` of `sum(conv_layer(...) * dY)`.",
    ),
)
def conv_backward(backward):
    import sys

    import numpy as np

    from mlkit.course.checks.withheld import withheld

    name = "conv_backward"
    _expect_function(backward, name)
    if backward is reference_conv_backward:
        raise Incorrect(f"`{name}` is the check's own reference; the exercise asks you to write the backward pass "
                        "with NumPy.")
    square_passed = False  # the function has given the right gradients for every square kernel so far
    for image, kernels, dY, stride, padding, how, expected in _backward_cases():
        (rows, cols, channels), (k_rows, k_cols, _, filters) = image.shape, kernels.shape
        label = (f"`{name}` for a {rows} x {cols} image of {_many(channels, 'channel')}, {filters} filters of "
                 f"{k_rows} x {k_cols}, stride {stride} and padding {padding}")
        args = (image.copy(), kernels.copy(), dY.copy())
        try:
            with withheld(sys.modules[__name__], _BACKWARD_WITHHELD, exercise=name, alias="computer_vision"):
                if how == "defaults":
                    raw = call_learner(backward, *args)
                elif how == "positional":
                    raw = call_learner(backward, *args, stride, padding)
                else:
                    raw = call_learner(backward, *args, stride=stride, padding=padding)
        except LearnerCodeError as error:
            if square_passed and k_rows != k_cols:
                raise Incorrect(f"{label}: your function gives the right gradients for every square kernel the "
                                f"check tried, but for these {k_rows} x {k_cols} kernels it raises {error}. Kernels "
                                "need not be square: a window is `k_rows` rows tall and `k_cols` columns wide, "
                                "`k_rows, k_cols = kernels.shape[:2]`.") from None
            raise
        if raw is Ellipsis or (isinstance(raw, (tuple, list)) and any(part is Ellipsis for part in raw)):
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        parts = _backward_parts(raw, label)
        for part, what in zip(parts, _BACKWARD_NAMES):
            refuse_non_numbers(part, name=f"{what} of {label}", what="numbers")
        try:
            shapes = [tuple(np.shape(part)) for part in parts]
        except (TypeError, ValueError):
            raise Incorrect(f"{label} returns ragged lists; return three arrays, `dX, dK, db`.") from None
        mistake = _backward_shape_mistake(shapes, image, kernels, padding, expected)
        if mistake is not None:
            raise Incorrect(f"{label}: {mistake}")
        got = [returned_array(part, name=f"{what} of {label}", shape=e.shape, holding="numbers")
               for part, what, e in zip(parts, _BACKWARD_NAMES, expected)]
        if not all(np.isfinite(g).all() for g in got):
            raise Incorrect(f"{label} contains NaN or infinite values; every gradient is a finite sum of products.")
        if all(_close(g, e) for g, e in zip(got, expected)):
            square_passed = square_passed or k_rows == k_cols
            continue
        for g, e, what in zip(got, expected, _BACKWARD_NAMES):
            refuse_rounded(g, e, name=what)
        raise Incorrect(f"{label}: {_backward_value_mistakes(got, image, kernels, dY, stride, padding, expected)}")
    return ("right for one and three channels, several filters, square and non-square kernels, strides 1 to 3 and "
            "paddings 0 to 2: this is what backpropagation computes for a `Conv2D` layer. dX is the transposed "
            "convolution of dY with the kernels.")


_BACKWARD_WITHHELD = ("reference_conv_backward", "_backward_forward", "_scatter_backward", "_backward_cases")
"""What :func:`conv_backward` withholds while the learner's function runs: the check's reference, the forward pass
it differentiates, the scatter its messages compare with (a whole answer without its slips), and its cases with
their expected gradients."""


def _backward_of(**slips):
    """A learner's conv_backward with one slip (see :func:`_scatter_backward`), or a variant of what it returns."""
    order = slips.pop("order", (0, 1, 2))
    db_not_summed = slips.pop("db_not_summed", False)
    channel_0_only = slips.pop("channel_0_only", False)
    dk_transposed = slips.pop("dk_transposed", False)

    scatter = _scatter_backward  # bound now, when the answer is built: the check withholds the module's name

    def learner(image, kernels, dY, stride=1, padding=0):
        import numpy as np

        dX, dK, db = scatter(np.asarray(image, dtype=float), np.asarray(kernels, dtype=float),
                             np.asarray(dY, dtype=float), stride, padding, **slips)
        if db_not_summed:
            db = np.asarray(dY, dtype=float)
        if channel_0_only:
            dX = dX.copy()
            dX[..., 1:] = 0.0
        if dk_transposed:
            dK = dK.transpose(0, 1, 3, 2)
        parts = (dX, dK, db)
        return tuple(parts[k] for k in order)

    return learner


@conv_backward.wrong_answer
def conv_backward_padding_not_cropped():
    return Answer.of(_backward_of(crop=False))


@conv_backward.wrong_answer
def conv_backward_kernel_flipped_for_dx():
    return Answer.of(_backward_of(flip_dx=True))


@conv_backward.wrong_answer
def conv_backward_kernel_flipped_for_dk():
    return Answer.of(_backward_of(flip_dk=True))


@conv_backward.wrong_answer
def conv_backward_stride_ignored_in_the_scatter():
    return Answer.of(_backward_of(step=1))


@conv_backward.wrong_answer
def conv_backward_db_not_summed():
    return Answer.of(_backward_of(db_not_summed=True))


@conv_backward.wrong_answer
def conv_backward_dk_last_position_only():
    return Answer.of(_backward_of(dk_last_only=True))


@conv_backward.wrong_answer
def conv_backward_dx_channel_0_only():
    return Answer.of(_backward_of(channel_0_only=True))


@conv_backward.wrong_answer
def conv_backward_gradients_swapped():
    return Answer.of(_backward_of(order=(1, 0, 2)))


@conv_backward.wrong_answer
def conv_backward_dk_axes_swapped():
    return Answer.of(_backward_of(dk_transposed=True))


@conv_backward.wrong_answer
def conv_backward_the_reference():
    return Answer.of(reference_conv_backward)


@conv_backward.wrong_answer
def conv_backward_square_kernels_only():
    """`k = kernels.shape[0]` for both sides of every window: right for square kernels, an error for others."""
    return Answer.of(_backward_of(square=True))


@conv_backward.wrong_answer
def conv_backward_the_checks_scatter():
    """The check's own scatter, called through the module: withheld while the learner's code runs."""
    def learner(image, kernels, dY, stride=1, padding=0):
        return _scatter_backward(image, kernels, dY, stride, padding)

    return Answer.of(learner)


@conv_backward.wrong_answer
def conv_backward_grad_of_the_checks_forward_pass():
    """``jax.grad`` of the check's own forward pass, called through the module: withheld as well."""
    def learner(image, kernels, dY, stride=1, padding=0):
        import jax
        import jax.numpy as jnp

        def loss(x, k, b):
            return jnp.sum(_backward_forward(jnp, x, k, b, stride, padding) * dY)

        return jax.grad(loss, argnums=(0, 1, 2))(jnp.asarray(image, dtype=jnp.float32),
                                                 jnp.asarray(kernels, dtype=jnp.float32),
                                                 jnp.zeros(kernels.shape[-1], dtype=jnp.float32))

    return Answer.of(learner)


# --- 6. a judgement ------------------------------------------------------------------------
# The id "judgement" (one camera moved once, another set of options) is retired: see RETIRED in core.py.

CAMERA_FEEDBACK = {
    "A": "training longer on the same photos teaches the model the old positions more firmly; it never sees "
    "products where the cameras now put them. Longer training is the fix when the model has not yet fitted "
    "its training photos (training and validation scores both low), which is not the case at 0.97.",
    "B": "cropping the photos back to the old view works when a camera moved once and stays there: one "
    "measured correction, no retraining. Here the cameras are re-hung after every cleaning, each differently, "
    "so the offset measured once is wrong by the next week.",
    "C": "shifting the test photos judges the model on shifted photos, a useful stress test reported beside the "
    "untouched score, but it changes only the measurement: the model still fails on them, and nothing in it is "
    "fixed.",
    "E": "retraining on photos from the cameras as they hang now is right when they will stay there and you can "
    "label enough such photos; here the positions change again at the next cleaning, and the new model would "
    "be tied to today's positions.",
}


@EXERCISES.exercise(
    "camera",
    title="A model that fails when the cameras are re-hung",
    hints=(
        "What is different about the new photos? What did the model learn that no longer holds?",
        "Will the next photos come from one new position, or from positions that keep changing? A fix for one "
        "fixed offset differs from a fix for a range of them.",
        "Each wrong option is the right one in another situation: for each, ask what would have to be true "
        "of the cameras, the training or the data for it to work, and whether it is true here.",
    ),
)
def camera(answer):
    expect_choice(answer, name="answer", correct="D", feedback=CAMERA_FEEDBACK)
    return ("positions that keep changing call for a model that has seen a range of positions, measured on "
            "photos as the cameras now take them.")


@camera.wrong_answer
def camera_train_longer():
    return Answer.of("A")


@camera.wrong_answer
def camera_crop_back():
    return Answer.of("B")


@camera.wrong_answer
def camera_shift_the_test_photos():
    return Answer.of("C")


@camera.wrong_answer
def camera_retrain_on_new_positions():
    return Answer.of("E")


@camera.secret_values
def camera_secrets():
    return ["'D'", "Option D"]
