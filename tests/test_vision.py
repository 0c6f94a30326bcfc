"""Unit 22 (computer vision): the NumPy module mlkit.topics.vision and its figure, mlkit.plots.vision."""

import doctest

import numpy as np
import pytest

from mlkit.topics import vision
from mlkit.plots import vision as vision_plots
from mlkit.errors import InputError


def test_docstring_examples():
    assert doctest.testmod(vision).failed == 0
    assert doctest.testmod(vision_plots).failed == 0


def _loop_correlate(image, kernel):
    kr, kc = kernel.shape
    out = np.zeros((image.shape[0] - kr + 1, image.shape[1] - kc + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kr, j:j + kc] * kernel)
    return out


@pytest.mark.parametrize("kernel_shape", [(1, 1), (2, 3), (3, 3), (5, 4)])
def test_correlate2d_agrees_with_the_loop_definition(kernel_shape):
    rng = np.random.default_rng(1)
    image, kernel = rng.normal(size=(6, 7)), rng.normal(size=kernel_shape)
    assert np.allclose(vision.correlate2d(image, kernel), _loop_correlate(image, kernel))


@pytest.mark.parametrize("shapes", [((6, 7), (2, 3)), ((8, 8), (3, 3)), ((5, 9), (5, 1)), ((4, 4), (4, 4))])
def test_correlate2d_is_scipys_correlate2d_and_not_its_convolve2d(shapes):
    from scipy import signal

    rng = np.random.default_rng(7)
    image, kernel = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    ours = vision.correlate2d(image, kernel)
    assert np.allclose(ours, signal.correlate2d(image, kernel, mode="valid"))
    assert not np.allclose(ours, signal.convolve2d(image, kernel, mode="valid"))
    # a convolution is a cross-correlation with the kernel flipped both ways
    assert np.allclose(vision.correlate2d(image, kernel[::-1, ::-1]), signal.convolve2d(image, kernel, mode="valid"))


def test_correlate2d_does_not_flip_the_kernel():
    image = np.zeros((3, 3))
    image[1, 1] = 1.0
    kernel = np.arange(9.0).reshape(3, 3)
    assert vision.correlate2d(image, kernel).item() == kernel[1, 1]
    assert vision.correlate2d(np.arange(4.0).reshape(1, 4), np.array([[1.0, -1.0]])).tolist() == [[-1.0, -1.0, -1.0]]


def test_correlate_images_equals_correlate2d_per_image():
    rng = np.random.default_rng(2)
    stack, kernel = rng.normal(size=(4, 8, 8)), rng.normal(size=(3, 2))
    expected = np.stack([vision.correlate2d(image, kernel) for image in stack])
    assert np.allclose(vision.correlate_images(stack, kernel), expected)


@pytest.mark.parametrize("old, new", sorted(vision.RENAMED.items()))
def test_the_old_names_warn_and_still_compute_the_cross_correlation(old, new):
    rng = np.random.default_rng(8)
    image = rng.normal(size=(2, 6, 5)) if old == "convolve_images" else rng.normal(size=(6, 5))
    kernel = rng.normal(size=(3, 2))
    with pytest.warns(FutureWarning, match=f"now called {new}.*not flipped"):
        got = getattr(vision, old)(image, kernel)
    assert np.array_equal(got, getattr(vision, new)(image, kernel))
    assert not np.allclose(got, getattr(vision, new)(image, kernel[::-1, ::-1]))


def test_correlation_rejects_a_kernel_larger_than_the_image():
    with pytest.raises(InputError, match="larger than the image"):
        vision.correlate2d(np.zeros((3, 3)), np.zeros((4, 1)))
    with pytest.raises(InputError, match="larger than the images"):
        vision.correlate_images(np.zeros((2, 3, 3)), np.zeros((1, 4)))
    with pytest.raises(InputError, match="2-D"):
        vision.correlate2d(np.zeros(5), np.zeros((1, 1)))


@pytest.mark.parametrize("dy, dx", [(1, 0), (-1, 0), (0, 2), (-2, -1), (3, 3)])
def test_shift_moves_pixels_and_loses_what_leaves(dy, dx):
    image = np.arange(1.0, 17.0).reshape(4, 4)
    moved = vision.shift_image(image, dy, dx)
    for r in range(4):
        for c in range(4):
            source = (r - dy, c - dx)
            inside = 0 <= source[0] < 4 and 0 <= source[1] < 4
            assert moved[r, c] == (image[source] if inside else 0.0)


def test_shift_by_the_whole_image_leaves_nothing_and_does_not_wrap():
    image = np.ones((3, 3))
    assert vision.shift_image(image, 3, 0).sum() == 0
    assert not np.array_equal(vision.shift_image(np.eye(3), 0, 1), np.roll(np.eye(3), 1, axis=1))


def test_shift_there_and_back_keeps_the_inner_part():
    image = np.random.default_rng(3).normal(size=(5, 5))
    back = vision.shift_image(vision.shift_image(image, 1, -1), -1, 1)
    assert np.allclose(back[:4, 1:], image[:4, 1:])
    assert np.allclose(back[4], 0) and np.allclose(back[:, 0], 0)


def test_augment_keeps_labels_with_their_images():
    stack = np.random.default_rng(4).integers(1, 5, (3, 4, 4)).astype(float)
    labels = np.array([7, 8, 9])
    images, repeated = vision.augment_with_shifts(stack, labels)
    assert images.shape == (15, 4, 4)
    for k, (dy, dx) in enumerate(((0, 0),) + vision.SHIFTS):
        for i in range(3):
            assert np.array_equal(images[3 * k + i], vision.shift_image(stack[i], dy, dx))
            assert repeated[3 * k + i] == labels[i]


def test_augment_rejects_mismatched_labels():
    with pytest.raises(InputError, match="one entry per image"):
        vision.augment_with_shifts(np.zeros((3, 4, 4)), [1, 2])


def test_profile_features_are_row_then_column_sums():
    stack = np.random.default_rng(5).normal(size=(2, 3, 5))
    features = vision.profile_features(stack)
    assert features.shape == (2, 8)
    assert np.allclose(features[:, :3], stack.sum(axis=2))
    assert np.allclose(features[:, 3:], stack.sum(axis=1))
    with pytest.raises(InputError, match="3-D"):
        vision.profile_features(np.zeros((3, 5)))


def test_max_pool_takes_block_maxima_and_drops_the_remainder():
    feature_map = np.arange(25.0).reshape(5, 5)
    assert vision.max_pool(feature_map, 2).tolist() == [[6.0, 8.0], [16.0, 18.0]]
    assert vision.max_pool(feature_map, 5).tolist() == [[24.0]]
    with pytest.raises(InputError, match="does not fit"):
        vision.max_pool(feature_map, 6)
    with pytest.raises(InputError, match="positive whole number"):
        vision.max_pool(feature_map, 0)


def test_conv_features_are_relu_then_pool_of_each_kernel():
    rng = np.random.default_rng(6)
    stack, kernels = rng.normal(size=(2, 8, 8)), [rng.normal(size=(3, 3)), rng.normal(size=(3, 3))]
    features = vision.conv_features(stack, kernels)
    assert features.shape == (2, 18)
    first = vision.max_pool(np.maximum(vision.correlate2d(stack[1], kernels[1]), 0)).ravel()
    assert np.allclose(features[1, 9:], first)
    assert (features >= 0).all()


def test_pooled_features_change_less_than_maps_when_digits_move():
    from mlkit.datasets import digits

    images = digits.images()[:200]
    kernel = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -1.0, -1.0]])
    moved = vision.shift_images(images, 0, 1)

    def change(a, b):
        return np.abs(a - b).sum() / np.abs(a).sum()

    maps, moved_maps = (np.maximum(vision.correlate_images(s, kernel), 0) for s in (images, moved))
    pooled, moved_pooled = (np.stack([vision.max_pool(m) for m in s]) for s in (maps, moved_maps))
    assert change(pooled, moved_pooled) < change(maps, moved_maps)


def test_filter_responses_draws_kernel_and_response_per_filter():
    fig = vision_plots.filter_responses(np.eye(8), [np.ones((3, 3)), np.ones((2, 2))], ["a", "b"])
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == ["image", "a", "b", "response", "response"]


def test_filter_responses_draws_signed_values_centred_on_zero_without_grid():
    from mlkit.plots.style import DIVERGING_CMAP

    image = np.arange(36.0).reshape(6, 6)
    kernel = np.array([[1.0, 0.0, -3.0]])
    fig = vision_plots.filter_responses(image, [kernel], ["k"])
    _, kernel_ax, _, response_ax = fig.axes
    for ax, values in ((kernel_ax, kernel), (response_ax, vision.correlate2d(image, kernel))):
        drawn = ax.get_images()[0]
        low, high = drawn.get_clim()
        assert drawn.get_cmap().name == DIVERGING_CMAP
        assert high == -low == np.abs(values).max()
        assert np.array_equal(drawn.get_array(), values)
        assert not any(line.get_visible() for line in ax.get_xgridlines() + ax.get_ygridlines())
    with pytest.raises(ValueError, match="one entry per kernel"):
        vision_plots.filter_responses(np.eye(8), [np.ones((3, 3))], ["a", "b"])


# --- augmentation inside the training loop, robustness sets, windows as rows ----------------------------


def test_random_shifts_moves_each_image_by_one_allowed_whole_pixel_shift():
    rng = np.random.default_rng(9)
    stack = rng.integers(1, 17, (60, 5, 6)).astype(float)
    moved = vision.random_shifts(stack, np.random.default_rng(0), max_shift=1)
    allowed = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    seen = set()
    for original, result in zip(stack, moved):
        matches = [s for s in allowed if np.array_equal(result, vision.shift_image(original, *s))]
        assert len(matches) == 1  # no pixel is 0 in the originals, so the shift is identified
        seen.add(matches[0])
    assert seen == set(allowed)  # 60 draws of 9 equally likely shifts reach every one


def test_random_shifts_pads_with_zeros_and_never_wraps():
    stack = np.ones((200, 4, 4))
    moved = vision.random_shifts(stack, np.random.default_rng(1), max_shift=2)
    totals = moved.sum(axis=(1, 2))
    assert set(totals.tolist()) <= {16.0, 12.0, 9.0, 8.0, 6.0, 4.0}  # rows x cols kept after |dy|, |dx| <= 2
    assert (totals < 16).mean() > 0.7  # most images move


def test_random_shifts_depends_only_on_the_generator():
    stack = np.random.default_rng(2).normal(size=(30, 6, 6))
    first = vision.random_shifts(stack, np.random.default_rng(5))
    again = vision.random_shifts(stack, np.random.default_rng(5))
    other = vision.random_shifts(stack, np.random.default_rng(6))
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    assert np.array_equal(vision.random_shifts(stack, np.random.default_rng(5), max_shift=0), stack)


@pytest.mark.parametrize("kwargs, match", [
    ({"max_shift": -1}, "max_shift"), ({"max_shift": 1.5}, "max_shift"), ({"rng": 0}, "numpy.random.Generator"),
])
def test_random_shifts_rejects_bad_arguments(kwargs, match):
    arguments = {"rng": np.random.default_rng(0), "max_shift": 1, **kwargs}
    with pytest.raises(InputError, match=match):
        vision.random_shifts(np.zeros((2, 4, 4)), **arguments)
    with pytest.raises(InputError, match="3-D"):
        vision.random_shifts(np.zeros((4, 4)), np.random.default_rng(0))


@pytest.mark.parametrize("distance", [0, 1, 2])
def test_shifted_copies_are_the_four_directions_without_the_originals(distance):
    stack = np.random.default_rng(3).normal(size=(3, 5, 5))
    labels = np.array([4, 1, 9])
    images, repeated = vision.shifted_copies(stack, labels, distance)
    assert images.shape == (12, 5, 5) and repeated.tolist() == [4, 1, 9] * 4
    for k, (dy, dx) in enumerate(vision.SHIFTS):
        for i in range(3):
            assert np.array_equal(images[3 * k + i], vision.shift_image(stack[i], dy * distance, dx * distance))


def test_shifted_copies_rejects_a_bad_distance():
    for distance in (-1, 0.5, True):
        with pytest.raises(InputError, match="distance"):
            vision.shifted_copies(np.zeros((1, 3, 3)), [0], distance)


def test_image_patches_times_the_kernel_is_the_cross_correlation():
    rng = np.random.default_rng(4)
    stack, kernel = rng.normal(2.0, 3.0, (3, 6, 7)), rng.normal(size=(2, 3))
    patches = vision.image_patches(stack, kernel.shape)
    assert patches.shape == (3 * 5 * 5, 6)
    assert np.allclose(patches @ kernel.ravel(), vision.correlate_images(stack, kernel).ravel())
    assert np.array_equal(patches[0], stack[0, :2, :3].ravel())


def test_least_squares_on_patches_recovers_a_kernel_and_its_flip_from_a_convolution():
    from scipy import signal

    rng = np.random.default_rng(5)
    stack, kernel = rng.normal(size=(6, 8, 8)), rng.normal(size=(3, 3))
    patches = vision.image_patches(stack, kernel.shape)
    fitted, *_ = np.linalg.lstsq(patches, vision.correlate_images(stack, kernel).ravel(), rcond=None)
    assert np.allclose(fitted.reshape(3, 3), kernel)
    convolved = np.stack([signal.convolve2d(image, kernel, mode="valid") for image in stack])
    flipped, *_ = np.linalg.lstsq(patches, convolved.ravel(), rcond=None)
    assert np.allclose(flipped.reshape(3, 3), kernel[::-1, ::-1]) and not np.allclose(flipped.reshape(3, 3), kernel)


def test_image_patches_rejects_a_kernel_that_does_not_fit():
    with pytest.raises(InputError, match="does not fit"):
        vision.image_patches(np.zeros((2, 3, 3)), (4, 1))
    with pytest.raises(InputError, match="pair"):
        vision.image_patches(np.zeros((2, 3, 3)), 3)


def test_keras_conv2d_computes_the_cross_correlation_not_the_convolution():
    """The lesson's claim: the kernel a Conv2D layer holds is applied as it is, like vision.correlate_images."""
    from mlkit.course.notebook_setup import configure_framework

    configure_framework()
    import keras

    rng = np.random.default_rng(6)
    stack, kernel = rng.normal(size=(2, 7, 6)), rng.normal(size=(3, 2))
    layer = keras.layers.Conv2D(1, kernel_size=kernel.shape, use_bias=False)
    layer.build((None, 7, 6, 1))
    layer.set_weights([kernel[:, :, None, None].astype("float32")])
    maps = np.asarray(layer(stack[..., None].astype("float32")))[..., 0]
    assert np.allclose(maps, vision.correlate_images(stack, kernel), atol=1e-5)
    assert not np.allclose(maps, vision.correlate_images(stack, kernel[::-1, ::-1]), atol=1e-2)


# --- the new figures ---------------------------------------------------------------------------------


def test_kernel_convergence_draws_kernels_on_one_scale_and_the_gap_per_epoch():
    target = np.array([[1.0, 1.0], [-1.0, -1.0]])
    snapshots = [target * 0.0 + 0.5, target * 0.5, target * 0.9, target * 2.0]
    fig = vision_plots.kernel_convergence(snapshots, target, shown=[0, 2])
    images = [ax.get_images()[0] for ax in fig.axes if ax.get_images()]
    assert len(images) == 3
    assert {im.get_clim() for im in images} == {(-2.0, 2.0)}  # one symmetric scale over every kernel drawn
    assert np.array_equal(images[-1].get_array(), target)
    curve = next(ax for ax in fig.axes if ax.get_lines())
    assert curve.get_yscale() == "log"
    assert np.allclose(curve.get_lines()[0].get_ydata(), [1.5, 0.5, 0.1, 1.0])
    assert all(not any(g.get_visible() for g in ax.get_xgridlines() + ax.get_ygridlines())
               for ax in fig.axes if ax.get_images())
    with pytest.raises(ValueError, match="shown"):
        vision_plots.kernel_convergence(snapshots, target, shown=[4])
    with pytest.raises(ValueError, match="shape"):
        vision_plots.kernel_convergence([np.zeros((3, 3))], target, shown=[0])


def test_kernel_rows_draws_each_kernel_on_its_own_symmetric_scale():
    from mlkit.plots.style import DIVERGING_CMAP

    rows = {"hand": [np.array([[1.0, -3.0]])], "learned": [np.array([[0.2, 0.1]]), np.array([[-5.0, 2.0]])]}
    fig = vision_plots.kernel_rows(rows, titles={"learned": ["f1", "f2"]})
    drawn = [ax for ax in fig.axes if ax.get_visible()]
    assert len(drawn) == 3 and [ax.get_title() for ax in drawn] == ["", "f1", "f2"]
    assert [ax.get_images()[0].get_clim() for ax in drawn] == [(-3.0, 3.0), (-0.2, 0.2), (-5.0, 5.0)]
    assert all(ax.get_images()[0].get_cmap().name == DIVERGING_CMAP for ax in drawn)
    with pytest.raises(ValueError, match="one entry per kernel"):
        vision_plots.kernel_rows(rows, titles={"hand": ["a", "b"]})
    with pytest.raises(ValueError, match="empty"):
        vision_plots.kernel_rows({})


def test_shift_robustness_draws_one_bar_per_model_and_shift_with_its_value():
    accuracies = {"a": [0.9, 0.4, 0.1], "b": [0.85, 0.8, 0.3]}
    fig = vision_plots.shift_robustness([0, 1, 2], accuracies)
    ax = fig.axes[0]
    assert [c.get_label() for c in ax.containers] == ["a", "b"]
    for container, values in zip(ax.containers, accuracies.values()):
        assert np.allclose([bar.get_height() for bar in container], values)
    lefts = [[bar.get_x() for bar in c] for c in ax.containers]
    assert all(x_a < x_b for x_a, x_b in zip(*lefts))  # side by side, none hidden behind another
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0 pixels", "1 pixel", "2 pixels"]
    with pytest.raises(ValueError, match="one value per distance"):
        vision_plots.shift_robustness([0, 1], {"a": [0.5]})
