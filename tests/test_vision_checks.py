"""Unit 22 (computer vision): the checks of the gradient and convolutional-layer exercises, and their references.

The solution, the stub and every wrong answer of every check are also run by
test_exercises_discovered.py; here, the references (the gradient against a numerical derivative,
the layer against Keras's ``Conv2D`` and a sum written value by value), what each message names,
and the forms of a right answer the checks accept.
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
    ("conv_backward", "conv_backward_gradients_swapped", "in the order dK, dX, db"),
    ("conv_backward", "conv_backward_the_reference", "check's own reference"),
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


def test_a_rounded_backward_pass_is_named_without_nested_quotes():
    def conv_backward(image, kernels, dY, stride=1, padding=0):
        dX, dK, db = _backward_solution(image, kernels, dY, stride, padding)
        return np.round(dX, 2), dK, db

    outcome = EX.conv_backward.evaluate(conv_backward)
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

    def conv_backward(image, kernels, dY, stride=1, padding=0):
        def loss(x, k, b):
            return jax.numpy.sum(_jax_layer(x, k, b, stride, padding) * dY)

        return jax.grad(loss, argnums=(0, 1, 2))(image.astype(np.float32), kernels.astype(np.float32),
                                                 np.zeros(kernels.shape[-1], np.float32))

    def kernel_gradient(images, kernel, targets):
        windows = np.lib.stride_tricks.sliding_window_view(images, kernel.shape, axis=(1, 2))
        loss = lambda k: jax.numpy.mean((jax.numpy.einsum("nijab,ab->nij", windows, k) - targets) ** 2)  # noqa: E731
        return jax.grad(loss)(kernel)

    outcome = EX.conv_backward.evaluate(conv_backward)
    assert outcome.passed, outcome.message
    assert EX.gradient.evaluate(kernel_gradient).passed
    assert EX.profiles.evaluate(lambda images: jax.numpy.concatenate(
        [jax.numpy.sum(images, axis=2), jax.numpy.sum(images, axis=1)], axis=1)).passed


# --- the convolutional layer: channels, filters, stride and padding ------------------------------


def _layer_solution(image, kernels, bias, stride=1, padding=0):
    """The solution notebook's answer, written here again: loops over the output positions."""
    k_rows, k_cols, _, filters = kernels.shape
    padded = np.pad(image, ((padding, padding), (padding, padding), (0, 0)))
    out_rows = (padded.shape[0] - k_rows) // stride + 1
    out_cols = (padded.shape[1] - k_cols) // stride + 1
    out = np.zeros((out_rows, out_cols, filters))
    for i in range(out_rows):
        for j in range(out_cols):
            window = padded[i * stride:i * stride + k_rows, j * stride:j * stride + k_cols, :]
            out[i, j] = np.sum(window[:, :, :, np.newaxis] * kernels, axis=(0, 1, 2)) + bias
    return out


def _layer_one_value_at_a_time(image, kernels, bias, stride=1, padding=0):
    """Every output value as its own sum over window rows, columns and channels; zero padding made by hand."""
    rows, cols, channels = image.shape
    k_rows, k_cols, _, filters = kernels.shape
    padded = np.zeros((rows + 2 * padding, cols + 2 * padding, channels))
    padded[padding:padding + rows, padding:padding + cols] = image
    out_rows, out_cols = (rows + 2 * padding - k_rows) // stride + 1, (cols + 2 * padding - k_cols) // stride + 1
    out = np.zeros((out_rows, out_cols, filters))
    for i in range(out_rows):
        for j in range(out_cols):
            for f in range(filters):
                total = 0.0
                for a in range(k_rows):
                    for b in range(k_cols):
                        for c in range(channels):
                            total += padded[i * stride + a, j * stride + b, c] * kernels[a, b, c, f]
                out[i, j, f] = total + bias[f]
    return out


def _layer_with_windows(image, kernels, bias, stride=1, padding=0):
    """Every window at once with sliding_window_view, every stride-th kept, then einsum."""
    padded = np.pad(image, ((padding, padding), (padding, padding), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernels.shape[:2], axis=(0, 1))[::stride, ::stride]
    return np.einsum("ijcab,abcf->ijf", windows, kernels) + bias


def _layer_with_tensordot(image, kernels, bias, stride=1, padding=0):
    """tensordot over the window's rows, columns and channels; the bias as a Python list."""
    padded = np.pad(image, [(padding, padding), (padding, padding), (0, 0)], mode="constant", constant_values=0)
    k_rows, k_cols = kernels.shape[:2]
    rows = range(0, padded.shape[0] - k_rows + 1, stride)
    cols = range(0, padded.shape[1] - k_cols + 1, stride)
    return [[list(np.tensordot(padded[r:r + k_rows, c:c + k_cols], kernels, axes=3) + np.array(list(bias)))
             for c in cols] for r in rows]


def _layer_in_float32(image, kernels, bias, stride=1, padding=0):
    """The solution computed on float32 copies of the inputs (as a framework would), returned as float32."""
    image, kernels, bias = (np.asarray(a, dtype=np.float32) for a in (image, kernels, bias))
    return _layer_solution(image, kernels, bias, stride, padding).astype(np.float32)


def _keras_layer(image, kernels, bias, stride, padding):
    import os

    from mlkit.course.notebook_setup import configure_framework

    configure_framework()
    if os.environ.get("KERAS_BACKEND") != "jax":
        pytest.skip("the comparison uses Keras on JAX, the kit's backend")
    keras = pytest.importorskip("keras")
    layer = keras.layers.Conv2D(kernels.shape[-1], kernels.shape[:2], strides=stride, padding="valid")
    model = keras.Sequential([keras.Input(shape=image.shape), keras.layers.ZeroPadding2D(padding), layer])
    layer.set_weights([kernels.astype("float32"), np.asarray(bias, dtype="float32")])
    return np.asarray(model(image[np.newaxis].astype("float32")))[0]


def test_the_reference_layer_is_keras_conv2d_with_zero_padding_and_strides():
    for image, kernels, bias, stride, padding, _ in unit._layer_cases():
        expected = unit.reference_conv_layer(image, kernels, bias, stride, padding)
        by_keras = _keras_layer(image, kernels, bias, stride, padding)
        assert by_keras.shape == expected.shape
        assert np.allclose(by_keras, expected, rtol=1e-4, atol=1e-3 * np.abs(expected).max())


def test_the_reference_layer_is_the_sum_written_one_value_at_a_time():
    for image, kernels, bias, stride, padding, _ in unit._layer_cases():
        assert np.allclose(unit.reference_conv_layer(image, kernels, bias, stride, padding),
                           _layer_one_value_at_a_time(image, kernels, bias, stride, padding))


def test_the_layer_cases_cover_what_the_exercise_asks():
    cases = unit._layer_cases()
    assert {image.shape[2] for image, *_ in cases} == {1, 3}
    assert any(kernels.shape[-1] == 1 for _, kernels, *_ in cases) and any(k.shape[-1] > 2 for _, k, *_ in cases)
    assert any(kernels.shape[0] != kernels.shape[1] for _, kernels, *_ in cases)
    assert any(image.shape[0] != image.shape[1] for image, *_ in cases)
    assert {stride for *_, stride, _, _ in cases} >= {1, 2, 3}
    assert {padding for *_, padding, _ in cases} >= {0, 1, 2}
    uneven = [(image.shape[1] + 2 * p - kernels.shape[1]) % s for image, kernels, _, s, p, _ in cases if s > 1]
    assert any(uneven), "a stride that does not divide the padded size evenly"
    assert any(keywords == {} for *_, keywords in cases), "one call leaves stride and padding at their defaults"
    for image, kernels, bias, stride, padding, _ in cases:
        out = unit.reference_conv_layer(image, kernels, bias, stride, padding)
        assert out.shape[0] != out.shape[1], "rows and columns swapped must change the shape"
        assert np.all(np.abs(bias) >= 1.0) and image.min() >= 0 and image.mean() > 4


def test_the_layer_solution_passes_and_the_stub_is_not_attempted():
    assert EX.conv_layer.evaluate(_layer_solution).passed

    def stub(image, kernels, bias, stride=1, padding=0):
        raise NotImplementedError("write this function")

    assert EX.conv_layer.evaluate(stub).status == "not_attempted"
    assert EX.conv_layer.evaluate(lambda image, kernels, bias, stride=1, padding=0: ...).status == "not_attempted"


@pytest.mark.parametrize("layer", [
    _layer_one_value_at_a_time, _layer_with_windows, _layer_with_tensordot, _layer_in_float32,
    lambda image, kernels, bias, stride=1, padding=0: _layer_solution(image, kernels, bias, stride, padding).tolist(),
    lambda image, kernels, bias, stride=1, padding=0: _layer_solution(image, kernels, list(bias), stride, padding),
], ids=["one value at a time", "sliding_window_view and einsum", "tensordot, bias as a list", "float32",
        "returns a list", "bias made a list"])
def test_a_right_layer_written_another_way_is_accepted(layer):
    outcome = EX.conv_layer.evaluate(layer)
    assert outcome.passed, outcome.message


def test_a_right_layer_computed_with_jax_is_accepted():
    jnp = pytest.importorskip("jax.numpy")

    def conv_layer(image, kernels, bias, stride=1, padding=0):
        padded = jnp.pad(jnp.asarray(image), ((padding, padding), (padding, padding), (0, 0)))
        windows = np.lib.stride_tricks.sliding_window_view(np.asarray(padded), kernels.shape[:2], axis=(0, 1))
        return jnp.einsum("ijcab,abcf->ijf", windows[::stride, ::stride], kernels) + bias

    outcome = EX.conv_layer.evaluate(conv_layer)
    assert outcome.passed, outcome.message


@pytest.mark.parametrize("wrong, words", [
    ("conv_layer_without_padding", "layer without padding, shape and values"),
    ("conv_layer_stride_ignored", "layer for stride 1"),
    ("conv_layer_windows_not_strided", "windows move one pixel at a time"),
    ("conv_layer_size_without_the_plus_one", "(side + 2 * padding - k) // stride + 1"),
    ("conv_layer_first_channel_only", "only the first input channel"),
    ("conv_layer_last_channel_only", "only the last of the 3 input channels"),
    ("conv_layer_channels_averaged", "channels are averaged"),
    ("conv_layer_kernels_flipped", "flipped"),
    ("conv_layer_without_bias", "bias is missing"),
    ("conv_layer_bias_per_channel", "once per input channel"),
    ("conv_layer_rows_and_columns_swapped", "rows and columns swapped"),
    ("conv_layer_filters_first", "filters come first"),
    ("conv_layer_channels_first", "channels first"),
    ("conv_layer_padded_at_the_bottom_and_right", "all at the bottom and right"),
    ("conv_layer_edge_padding", "edge pixels"),
    ("conv_layer_integer_output", "cut to whole numbers"),
    ("conv_layer_the_kit_function", "vision.correlate_channels"),
])
def test_each_wrong_layer_gets_a_message_naming_its_mistake(wrong, words):
    outcome = _wrong_outcome(EX.conv_layer, wrong)
    assert outcome.status == "incorrect" and words in outcome.message, outcome.message


def test_a_channels_first_layer_that_fails_on_channels_last_input_is_named():
    def conv_layer(image, kernels, bias, stride=1, padding=0):
        channels, rows, cols = image.shape
        assert channels <= 4, "this function expects (channels, rows, cols)"
        return unit._channels_first_layer(image, kernels, bias, stride, padding)

    outcome = EX.conv_layer.evaluate(conv_layer)
    assert outcome.status == "incorrect" and "channels first" in outcome.message, outcome.message


def test_a_layer_right_only_without_stride_and_padding_or_for_one_channel_is_refused():
    def no_stride_or_padding(image, kernels, bias, stride=1, padding=0):
        return vision.correlate_channels(image, kernels) + bias

    def single_channel(image, kernels, bias, stride=1, padding=0):
        if image.shape[2] == 1:
            return _layer_solution(image, kernels, bias, stride, padding)
        return _layer_solution(image[..., :1], kernels[:, :, :1], bias, stride, padding)

    assert EX.conv_layer.evaluate(no_stride_or_padding).status == "incorrect"
    assert EX.conv_layer.evaluate(single_channel).status == "incorrect"


@pytest.mark.parametrize("returned, words", [
    (lambda out: None, "returns None"),
    (lambda out: "maps", "holds text"),
    (lambda out: {"maps": out}, "returns a dict, not an array"),
    (lambda out: float(out.sum()), "returns a float, not an array"),
    (lambda out: np.full(out.shape, np.nan), "NaN"),
    (lambda out: out[:, :, 0], "shape"),
    (lambda out: out[1:], "shape"),
    (lambda out: np.round(out, 2), "2 decimal places"),
], ids=["None", "text", "dict", "number", "NaN", "filter axis dropped", "a row short", "rounded"])
def test_a_return_that_is_not_the_maps_is_refused_with_a_clear_message(returned, words):
    def conv_layer(image, kernels, bias, stride=1, padding=0):
        return returned(_layer_solution(image, kernels, bias, stride, padding))

    outcome = EX.conv_layer.evaluate(conv_layer)
    assert outcome.status == "incorrect" and words in outcome.message, outcome.message


def test_a_layer_that_raises_or_is_not_a_function_is_reported():
    outcome = EX.conv_layer.evaluate(lambda image, kernels, bias, stride=1, padding=0: 1 / 0)
    assert outcome.status == "error" and "ZeroDivisionError" in outcome.message
    outcome = EX.conv_layer.evaluate(np.zeros((5, 9, 4)))
    assert outcome.status == "incorrect" and "should be a function" in outcome.message


def _jax_layer(image, kernels, bias, stride, padding):
    """The layer in jax.numpy, written as a learner would, for answers that differentiate it with jax.grad.

    Not the check's ``_backward_forward``: the check withholds it while the learner's code runs.
    """
    import jax.numpy as jnp

    k_rows, k_cols = kernels.shape[:2]
    padded = jnp.pad(image, ((padding, padding), (padding, padding), (0, 0)))
    out_rows = (padded.shape[0] - k_rows) // stride + 1
    out_cols = (padded.shape[1] - k_cols) // stride + 1
    rows = []
    for i in range(out_rows):
        row = [jnp.einsum("abc,abcf->f", padded[i * stride:i * stride + k_rows, j * stride:j * stride + k_cols],
                          kernels) for j in range(out_cols)]
        rows.append(jnp.stack(row))
    return jnp.stack(rows) + bias


# --- the layer's shape messages name a cause only when the values agree ----------------------


def _layer_padded_but_sized_with_one_padding(image, kernels, bias, stride=1, padding=0):
    """Pads correctly, but counts the padding once in the size formula (found in review)."""
    k_rows, k_cols, _, filters = kernels.shape
    padded = np.pad(image, ((padding, padding), (padding, padding), (0, 0)))
    out_rows = (image.shape[0] + padding - k_rows) // stride + 1
    out_cols = (image.shape[1] + padding - k_cols) // stride + 1
    out = np.zeros((out_rows, out_cols, filters))
    for i in range(out_rows):
        for j in range(out_cols):
            window = padded[i * stride:i * stride + k_rows, j * stride:j * stride + k_cols, :, np.newaxis]
            out[i, j] = np.sum(window * kernels, axis=(0, 1, 2)) + bias
    return out


def test_a_shape_that_happens_to_be_the_unpadded_one_is_not_blamed_on_padding():
    outcome = EX.conv_layer.evaluate(_layer_padded_but_sized_with_one_padding)
    assert outcome.status == "incorrect", outcome.message
    assert "without padding" not in outcome.message and "add 1 row of zeros" not in outcome.message, outcome.message
    assert "(side + 2 * padding - k) // stride + 1" in outcome.message and "both sides" in outcome.message


def test_a_layer_whose_loops_cover_one_axis_twice_gets_wrong_values_not_a_cause():
    def conv_layer(image, kernels, bias, stride=1, padding=0):
        right = _layer_solution(image, kernels, bias, stride, padding)
        out = np.zeros_like(right)
        for i in range(right.shape[0]):
            for j in range(right.shape[0]):  # the rows' count for the columns too
                if j < right.shape[1]:
                    out[i, j] = right[i, j]
        return out

    outcome = EX.conv_layer.evaluate(conv_layer)
    assert outcome.status == "incorrect" and "left at 0" in outcome.message, outcome.message


def test_the_camera_option_c_feedback_does_not_contradict_the_scenario():
    outcome = EX.camera.evaluate("C")
    assert outcome.status == "incorrect" and "nobody will send" not in outcome.message, outcome.message
    assert "stress test" in outcome.message and "changes only the measurement" in outcome.message


# --- the backward pass of the layer ------------------------------------------------------------


def _backward_solution(image, kernels, dY, stride=1, padding=0):
    """The solution notebook's answer, written here again: gradients scattered back window by window."""
    k_rows, k_cols = kernels.shape[:2]
    padded = np.pad(image, ((padding, padding), (padding, padding), (0, 0)))
    d_padded = np.zeros(padded.shape)
    dK = np.zeros(kernels.shape)
    for i in range(dY.shape[0]):
        for j in range(dY.shape[1]):
            dK += padded[i * stride:i * stride + k_rows, j * stride:j * stride + k_cols, :, np.newaxis] * dY[i, j]
            d_padded[i * stride:i * stride + k_rows, j * stride:j * stride + k_cols] += kernels @ dY[i, j]
    dX = d_padded[padding:padding + image.shape[0], padding:padding + image.shape[1]]
    return dX, dK, dY.sum(axis=(0, 1))


def _backward_one_value_at_a_time(image, kernels, dY, stride=1, padding=0):
    """Every gradient value as its own sum, from the index arithmetic of the forward pass; no padded array."""
    rows, cols, channels = image.shape
    k_rows, k_cols, _, filters = kernels.shape
    dX, dK, db = np.zeros(image.shape), np.zeros(kernels.shape), np.zeros(filters)
    for i in range(dY.shape[0]):
        for j in range(dY.shape[1]):
            for f in range(filters):
                db[f] += dY[i, j, f]
                for a in range(k_rows):
                    for b in range(k_cols):
                        r, c = i * stride + a - padding, j * stride + b - padding
                        if 0 <= r < rows and 0 <= c < cols:
                            for ch in range(channels):
                                dX[r, c, ch] += dY[i, j, f] * kernels[a, b, ch, f]
                                dK[a, b, ch, f] += dY[i, j, f] * image[r, c, ch]
    return dX, dK, db


def _backward_as_full_correlation(image, kernels, dY, stride=1, padding=0):
    """dX as a full correlation of the dilated dY with the rotated kernels (a transposed convolution); dK by einsum."""
    k_rows, k_cols = kernels.shape[:2]
    out_rows, out_cols, filters = dY.shape
    dilated = np.zeros(((out_rows - 1) * stride + 1, (out_cols - 1) * stride + 1, filters))
    dilated[::stride, ::stride] = dY
    full = np.pad(dilated, ((k_rows - 1, k_rows - 1), (k_cols - 1, k_cols - 1), (0, 0)))
    rotated = kernels[::-1, ::-1].transpose(0, 1, 3, 2)  # (k_rows, k_cols, filters, channels)
    d_padded = vision.correlate_channels(full, rotated)
    padded_shape = (image.shape[0] + 2 * padding, image.shape[1] + 2 * padding)
    grown = np.zeros((*padded_shape, image.shape[2]))
    grown[:d_padded.shape[0], :d_padded.shape[1]] = d_padded[:padded_shape[0], :padded_shape[1]]
    dX = grown[padding:padding + image.shape[0], padding:padding + image.shape[1]]
    padded = np.pad(image, ((padding, padding), (padding, padding), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (k_rows, k_cols), axis=(0, 1))[::stride, ::stride]
    dK = np.einsum("ijcab,ijf->abcf", windows[:out_rows, :out_cols], dY)
    return dX, dK, dY.sum(axis=(0, 1))


def test_the_reference_backward_pass_is_the_derivative_of_the_layer():
    rng = np.random.default_rng(4)
    image, kernels, bias = rng.uniform(0, 16, (5, 6, 2)), rng.normal(size=(3, 3, 2, 2)), rng.normal(size=2)
    stride, padding = 2, 1
    dY = rng.normal(size=unit.reference_conv_layer(image, kernels, bias, stride, padding).shape)
    dX, dK, db = unit.reference_conv_backward(image, kernels, dY, stride, padding)

    def loss(x, k, b):
        return float(np.sum(unit.reference_conv_layer(x, k, b, stride, padding) * dY))

    step = 1e-5
    for value, gradient, which in ((image, dX, 0), (kernels, dK, 1), (bias, db, 2)):
        assert gradient.shape == value.shape
        for index in list(np.ndindex(value.shape))[::3]:
            bump = np.zeros_like(value)
            bump[index] = step
            up = [image, kernels, bias]
            down = [image, kernels, bias]
            up[which], down[which] = value + bump, value - bump
            assert np.isclose((loss(*up) - loss(*down)) / (2 * step), gradient[index], rtol=1e-6, atol=1e-6)


def test_the_backward_cases_cover_uneven_strides_paddings_and_channels():
    cases = unit._backward_cases()
    assert {padding for *_, padding, _, _ in cases} == {0, 1, 2}
    assert {image.shape[2] for image, *_ in cases} == {1, 3}
    assert all(kernels.shape[-1] > 1 for _, kernels, *_ in cases)
    assert {how for *_, how, _ in cases} == {"defaults", "positional", "keywords"}
    uneven = [(image.shape[0] + 2 * padding - kernels.shape[0]) % stride
              for image, kernels, _, stride, padding, _, _ in cases]
    assert any(uneven)
    uncovered = [np.sum(dX == 0) for *_, (dX, _, _) in cases]  # pixels no window used: a gradient of 0
    assert any(uncovered)
    assert any(kernels.shape[0] != kernels.shape[1] for _, kernels, *_ in cases)
    # the non-square kernel comes last: an answer that fails only there passed every square one
    assert all(kernels.shape[0] == kernels.shape[1] for _, kernels, *_ in cases[:-1])


def _backward_square_kernels_only(image, kernels, dY, stride=1, padding=0):
    """The solution with `k = kernels.shape[0]` for both sides of every window (found in review)."""
    k = kernels.shape[0]
    padded = np.pad(image, ((padding, padding), (padding, padding), (0, 0)))
    d_padded = np.zeros(padded.shape)
    dK = np.zeros(kernels.shape)
    for i in range(dY.shape[0]):
        for j in range(dY.shape[1]):
            dK += padded[i * stride:i * stride + k, j * stride:j * stride + k, :, np.newaxis] * dY[i, j]
            d_padded[i * stride:i * stride + k, j * stride:j * stride + k] += kernels @ dY[i, j]
    dX = d_padded[padding:padding + image.shape[0], padding:padding + image.shape[1]]
    return dX, dK, dY.sum(axis=(0, 1))


def test_a_backward_pass_for_square_kernels_only_is_refused_with_its_property():
    outcome = EX.conv_backward.evaluate(_backward_square_kernels_only)
    assert outcome.status == "incorrect", outcome.message
    assert "2 x 3" in outcome.message and "need not be square" in outcome.message, outcome.message


@pytest.mark.parametrize("peek", [
    lambda image, kernels, dY, stride=1, padding=0: unit._scatter_backward(image, kernels, dY, stride, padding),
    lambda image, kernels, dY, stride=1, padding=0: next(
        case[-1] for case in unit._backward_cases() if np.array_equal(case[0], image)),
], ids=["the check's scatter", "the check's cases"])
def test_the_checks_own_answers_are_withheld_while_the_learners_code_runs(peek):
    outcome = EX.conv_backward.evaluate(peek)
    assert outcome.status == "incorrect" and "is withheld" in outcome.message, outcome.message
    assert callable(unit._scatter_backward) and unit._backward_cases()  # put back afterwards


def test_the_backward_solution_passes_and_the_stub_is_not_attempted():
    assert EX.conv_backward.evaluate(_backward_solution).passed

    def stub(image, kernels, dY, stride=1, padding=0):
        raise NotImplementedError("write this function")

    assert EX.conv_backward.evaluate(stub).status == "not_attempted"
    assert EX.conv_backward.evaluate(lambda image, kernels, dY, stride=1, padding=0: ...).status == "not_attempted"
    assert EX.conv_backward.evaluate(
        lambda image, kernels, dY, stride=1, padding=0: (..., ..., ...)).status == "not_attempted"


@pytest.mark.parametrize("backward", [
    _backward_one_value_at_a_time, _backward_as_full_correlation,
    lambda *a, **k: tuple(g.astype(np.float32) for g in _backward_solution(*a, **k)),
    lambda *a, **k: [g.tolist() for g in _backward_solution(*a, **k)],
    lambda *a, **k: list(_backward_solution(*a, **k)),
], ids=["one value at a time", "full correlation with rotated kernels", "float32", "nested lists", "a list"])
def test_a_right_backward_pass_written_another_way_is_accepted(backward):
    outcome = EX.conv_backward.evaluate(backward)
    assert outcome.passed, outcome.message


@pytest.mark.parametrize("wrong, words", [
    ("conv_backward_padding_not_cropped", "shape of the padded image"),
    ("conv_backward_kernel_flipped_for_dx", "dX is what the kernels flipped"),
    ("conv_backward_kernel_flipped_for_dk", "dK is flipped"),
    ("conv_backward_stride_ignored_in_the_scatter", "i * stride"),
    ("conv_backward_db_not_summed", "adds dY up over all the positions"),
    ("conv_backward_dk_last_position_only", "last output position's contribution only"),
    ("conv_backward_dx_channel_0_only", "only channel 0 of dX"),
    ("conv_backward_gradients_swapped", "return them as `dX, dK, db`"),
    ("conv_backward_dk_axes_swapped", "last two axes swapped"),
    ("conv_backward_the_reference", "check's own reference"),
    ("conv_backward_square_kernels_only", "need not be square"),
    ("conv_backward_the_checks_scatter", "computer_vision._scatter_backward` is withheld"),
    ("conv_backward_grad_of_the_checks_forward_pass", "computer_vision._backward_forward` is withheld"),
])
def test_each_wrong_backward_pass_gets_a_message_naming_its_mistake(wrong, words):
    outcome = _wrong_outcome(EX.conv_backward, wrong)
    assert outcome.status == "incorrect" and words in outcome.message, outcome.message


@pytest.mark.parametrize("slip, words", [
    (lambda dX, dK, db, dY: (dX, dK, dY.mean(axis=(0, 1))), "db is divided by the number of output positions"),
    (lambda dX, dK, db, dY: (dX, dK / (dY.shape[0] * dY.shape[1]), db), "dK is divided by the number"),
    (lambda dX, dK, db, dY: (dX[..., 0], dK, db), "keep the channel axis"),
    (lambda dX, dK, db, dY: (dX, dK, db[:, None]), "one number per filter"),
    (lambda dX, dK, db, dY: (dX, dK, dY[0, 0]), "dY at one output position"),
    (lambda dX, dK, db, dY: (dX, dK, db + 1.0), "db gives wrong values"),
    (lambda dX, dK, db, dY: (dX, dK * 2, db), "dK gives wrong values"),
    (lambda dX, dK, db, dY: (np.abs(dX), dK, db), "dX gives wrong values"),
    (lambda dX, dK, db, dY: dX, "returns a ndarray"),
    (lambda dX, dK, db, dY: (dX, dK), "returns 2 values"),
    (lambda dX, dK, db, dY: None, "returns None"),
    (lambda dX, dK, db, dY: (dX, dK, np.full(db.shape, np.nan)), "NaN"),
], ids=["db a mean", "dK a mean", "dX without channels", "db a column", "db at one position", "db off",
        "dK doubled", "dX wrong", "one array", "two values", "None", "NaN"])
def test_other_slips_in_the_backward_pass_are_named(slip, words):
    def conv_backward(image, kernels, dY, stride=1, padding=0):
        return slip(*_backward_solution(image, kernels, dY, stride, padding), dY)

    outcome = EX.conv_backward.evaluate(conv_backward)
    assert outcome.status == "incorrect" and words in outcome.message, outcome.message


def test_a_backward_pass_with_stride_and_padding_swapped_is_refused():
    def conv_backward(image, kernels, dY, padding=0, stride=1):
        return _backward_solution(image, kernels, dY, stride, padding)

    assert EX.conv_backward.evaluate(conv_backward).status == "incorrect"


def test_the_reference_is_withheld_while_the_learners_function_runs():
    def conv_backward(image, kernels, dY, stride=1, padding=0):
        return unit.reference_conv_backward(image, kernels, dY, stride, padding)

    outcome = EX.conv_backward.evaluate(conv_backward)
    assert outcome.status == "incorrect" and "withheld" in outcome.message, outcome.message
    assert unit.reference_conv_backward.__name__ == "reference_conv_backward"  # put back afterwards
