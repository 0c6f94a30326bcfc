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
