"""Unit 22 (computer vision): the check of the gradient exercise, and its reference.

The solution, the stub and every wrong answer of every check are also run by
test_exercises_discovered.py; here, the reference against a numerical derivative, what each
message names, and the forms of a right answer the check accepts.
"""

import numpy as np
import pytest

from mlkit.course.checks import exercises
from mlkit.course.checks.units import computer_vision as unit
from mlkit.topics import vision

EX = exercises("computer-vision")


def _loss(images, kernel, targets):
    return np.mean((vision.correlate_images(images, kernel) - targets) ** 2)


def _solution(images, kernel, targets):
    """The solution notebook's answer, written here again: a correlation of each image with its error map."""
    error = vision.correlate_images(images, kernel) - targets
    return 2 * sum(vision.correlate2d(image, e) for image, e in zip(images, error)) / error.size


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_reference_gradient_is_the_derivative_of_the_mean_squared_error(seed):
    rng = np.random.default_rng(seed)
    images, kernel = rng.uniform(0, 16, (3, 7, 6)), rng.normal(size=(3, 2))
    targets = rng.normal(1.0, 4.0, (3, 5, 5))
    gradient = unit.reference_kernel_gradient(images, kernel, targets)
    step = 1e-5
    numerical = np.zeros_like(kernel)
    for index in np.ndindex(kernel.shape):
        bump = np.zeros_like(kernel)
        bump[index] = step
        numerical[index] = (_loss(images, kernel + bump, targets) - _loss(images, kernel - bump, targets)) / (2 * step)
    assert gradient.shape == kernel.shape
    assert np.allclose(gradient, numerical, rtol=1e-6, atol=1e-6)


def test_the_reference_gradient_vanishes_at_the_kernel_that_made_the_targets():
    rng = np.random.default_rng(3)
    images, kernel = rng.normal(size=(2, 6, 6)), rng.normal(size=(2, 2))
    assert np.allclose(unit.reference_kernel_gradient(images, kernel, vision.correlate_images(images, kernel)), 0)


def test_the_solution_passes_and_the_stub_is_not_attempted():
    assert EX.gradient.evaluate(_solution).passed

    def stub(images, kernel, targets):
        raise NotImplementedError("write this function")

    assert EX.gradient.evaluate(stub).status == "not_attempted"
    assert EX.gradient.evaluate(lambda images, kernel, targets: ...).status == "not_attempted"


@pytest.mark.parametrize("form", [
    lambda g: g.astype(np.float32), lambda g: g.tolist(), lambda g: tuple(map(tuple, g)),
], ids=["float32", "list", "tuple"])
def test_a_right_gradient_in_another_form_is_accepted(form):
    assert EX.gradient.evaluate(lambda images, kernel, targets: form(_solution(images, kernel, targets))).passed


def _wrong(name):
    builder = next(b for b in EX.gradient.wrong_answers if b.__name__ == name)
    return EX.gradient.evaluate(*builder().args)


@pytest.mark.parametrize("wrong, words", [
    ("gradient_sign_flipped", "opposite way"),
    ("gradient_without_the_factor_two", "factor 2"),
    ("gradient_of_the_sum", "summed squared errors"),
    ("gradient_mean_over_images_only", "number of images"),
    ("gradient_flipped_like_a_convolution", "flipped"),
    ("gradient_of_the_first_image_only", "one image"),
])
def test_each_wrong_gradient_gets_a_message_naming_its_mistake(wrong, words):
    outcome = _wrong(wrong)
    assert outcome.status == "incorrect" and words in outcome.message, outcome.message


def test_messages_on_shapes_and_rounding_name_the_property():
    outcome = EX.gradient.evaluate(lambda images, kernel, targets: targets)
    assert outcome.status == "incorrect" and "shape of the error maps" in outcome.message
    outcome = EX.gradient.evaluate(lambda images, kernel, targets: np.zeros((2, 2)))
    assert outcome.status == "incorrect" and "shape" in outcome.message
    outcome = EX.gradient.evaluate(lambda images, kernel, targets: np.round(_solution(images, kernel, targets), 2))
    assert outcome.status == "incorrect" and "unrounded" in outcome.message
    outcome = EX.gradient.evaluate(lambda images, kernel, targets: 1 / 0)
    assert outcome.status == "error" and "ZeroDivisionError" in outcome.message


def test_a_gradient_right_only_for_square_kernels_or_single_images_is_refused():
    def square_only(images, kernel, targets):
        return _solution(images, kernel, targets) if kernel.shape[0] == kernel.shape[1] else np.zeros(kernel.shape)

    def single_image_only(images, kernel, targets):
        return _solution(images, kernel, targets) if len(images) == 1 else np.zeros(kernel.shape)

    assert EX.gradient.evaluate(square_only).status == "incorrect"
    assert EX.gradient.evaluate(single_image_only).status == "incorrect"


def test_the_check_cases_are_uncentred_non_square_and_of_several_images():
    cases = unit._gradient_cases()
    assert any(kernel.shape[0] != kernel.shape[1] for _, kernel, _ in cases)
    assert any(len(images) > 1 for images, _, _ in cases)
    assert all(images.min() >= 0 and images.mean() > 4 for images, _, _ in cases)


# --- found in review: false verdicts and messages that must name what they established ---------


def _wrong_outcome(exercise, name):
    builder = next(b for b in exercise.wrong_answers if b.__name__ == name)
    answer = builder()
    return exercise.evaluate(*answer.args, **answer.kwargs)


@pytest.mark.parametrize("exercise, wrong, words", [
    ("profiles", "profiles_scaled", "multiplied by one constant"),
    ("profiles", "profiles_divided_by_each_total", "one over the image's total ink"),
    ("profiles", "profiles_the_kit_function", "vision.profile_features"),
    ("profiles", "profiles_as_text", "holds text"),
    ("augment", "augment_labels_as_text", "holds text"),
    ("augment", "augment_edge_repeated", "repeats the edge"),
    ("augment", "augment_with_roll", "np.roll"),
    ("augment", "augment_up_and_down_twice", "more often than it should"),
    ("convolve", "convolve_transposed", "rows and columns swapped"),
    ("convolve", "convolve_integer_output", "cut to whole numbers"),
    ("convolve", "convolve_the_kit_function", "library's cross-correlation"),
    ("camera", "camera_crop_back", "moved once"),
    ("camera", "camera_retrain_on_new_positions", "stay there"),
])
def test_each_wrong_answer_found_in_review_is_refused_with_its_property(exercise, wrong, words):
    outcome = _wrong_outcome(EX[exercise], wrong)
    assert outcome.status == "incorrect" and words in outcome.message, outcome.message


def test_an_augmented_set_with_directions_doubled_names_no_contradiction():
    outcome = _wrong_outcome(EX.augment, "augment_up_and_down_twice")
    assert "left and right" in outcome.message and "makes" not in outcome.message, outcome.message


def test_an_edge_repeating_shift_is_not_called_a_wrap_around():
    outcome = _wrong_outcome(EX.augment, "augment_edge_repeated")
    assert "np.roll" not in outcome.message and "wrap" not in outcome.message, outcome.message


def test_a_profile_fallback_names_the_property_not_a_cause():
    outcome = EX.profiles.evaluate(lambda images: np.hstack([images.max(axis=2), images.max(axis=1)]))
    assert outcome.status == "incorrect" and "axis" not in outcome.message, outcome.message
    assert "total ink of each row" in outcome.message


def test_a_rounded_filter_output_is_named_without_nested_quotes():
    outcome = EX.convolve.evaluate(lambda image, kernel: np.round(vision.correlate2d(image, kernel), 2))
    assert outcome.status == "incorrect" and "2 decimal places" in outcome.message and "``" not in outcome.message


@pytest.mark.parametrize("form", [
    lambda X: X[..., np.newaxis], lambda X: X[:, np.newaxis], lambda X: X.reshape(len(X), 64),
    lambda X: X.astype(np.float32),
], ids=["channel last", "channel first", "flat rows", "float32"])
def test_augmented_images_with_a_channel_axis_are_accepted(form):
    from mlkit.course.checks.units import computer_vision as unit

    train_images, _, y_train, _ = unit._split()
    X_aug = np.concatenate([train_images, *(vision.shift_images(train_images, dy, dx) for dy, dx in vision.SHIFTS)])
    assert EX.augment.evaluate(form(X_aug), np.tile(y_train, 5)).passed


def test_right_answers_computed_with_jax_are_accepted():
    jax = pytest.importorskip("jax")

    def correlate(image, kernel):
        return jax.scipy.signal.correlate2d(jax.numpy.asarray(image), jax.numpy.asarray(kernel), mode="valid")

    def kernel_gradient(images, kernel, targets):
        windows = np.lib.stride_tricks.sliding_window_view(images, kernel.shape, axis=(1, 2))
        loss = lambda k: jax.numpy.mean((jax.numpy.einsum("nijab,ab->nij", windows, k) - targets) ** 2)  # noqa: E731
        return jax.grad(loss)(kernel)

    assert EX.convolve.evaluate(correlate).passed
    assert EX.gradient.evaluate(kernel_gradient).passed
    assert EX.profiles.evaluate(lambda images: jax.numpy.concatenate(
        [jax.numpy.sum(images, axis=2), jax.numpy.sum(images, axis=1)], axis=1)).passed
