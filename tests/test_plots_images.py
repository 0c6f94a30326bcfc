"""The image grid used by the dimensionality-reduction lesson."""

import numpy as np
import pytest

from mlkit.plots.images import image_grid


def test_one_axis_per_image_with_labels_and_titles():
    fig = image_grid(np.arange(2 * 3 * 64).reshape(2, 3, 64), row_labels=["a", "b"], titles=["x", "y", "z"])
    assert len(fig.axes) == 6
    assert [ax.get_title() for ax in fig.axes[:3]] == ["x", "y", "z"]
    assert fig.axes[3].get_ylabel() == "b"


def test_a_flat_list_of_images_is_one_row_and_keeps_the_pixels():
    images = np.arange(4 * 64).reshape(4, 64)
    fig = image_grid(images)
    assert len(fig.axes) == 4
    shown = fig.axes[1].images[0].get_array()
    assert shown.shape == (8, 8) and shown[0, 1] == images[1, 1]


def test_same_scale_shares_the_colour_range():
    images = np.stack([np.zeros(64), np.full(64, 16.0)])
    shared = image_grid(images, same_scale=True)
    own = image_grid(images, same_scale=False)
    assert shared.axes[0].images[0].get_clim() == (0.0, 16.0)
    assert own.axes[1].images[0].get_clim() == (16.0, 16.0)


def test_wrong_sizes_are_explained():
    with pytest.raises(ValueError, match="pictures of 8x8 pixels"):
        image_grid(np.zeros((2, 50)))
    with pytest.raises(ValueError, match="row_labels must have 1 entries"):
        image_grid(np.zeros((2, 64)), row_labels=["a", "b"])


def test_the_figure_is_returned_closed_so_a_notebook_shows_it_once():
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    image_grid(np.zeros((1, 64)))
    assert set(plt.get_fignums()) == before
