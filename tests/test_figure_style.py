"""Each kind of figure is drawn as its kind needs: images without grids, signed values centred on white."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mlkit.course.notebook_setup import setup  # noqa: E402
from mlkit.plots import style  # noqa: E402
from mlkit.plots.images import image_grid  # noqa: E402
from mlkit.plots.vision import filter_responses  # noqa: E402


@pytest.fixture(autouse=True)
def house_style():
    with matplotlib.rc_context():
        setup(seed=0)  # the notebooks' style: a grid on every axes unless told otherwise
        yield


def grid_drawn(ax) -> bool:
    ax.figure.canvas.draw()
    lines = [*ax.get_xgridlines(), *ax.get_ygridlines()]
    return any(line.get_visible() for line in lines)


def test_the_house_style_draws_a_grid_which_the_image_helpers_remove():
    fig, (plain, picture) = plt.subplots(1, 2)
    plain.plot([0, 1], [0, 1])
    picture.imshow(np.eye(4))
    style.matrix_axes(picture)
    assert grid_drawn(plain) and not grid_drawn(picture)
    plt.close(fig)


def test_image_grid_draws_no_grid_and_square_pixels():
    fig = image_grid(np.arange(2 * 3 * 64).reshape(2, 3, 64))
    for ax in fig.axes:
        assert not grid_drawn(ax)
        assert ax.get_aspect() == 1.0


def test_signed_images_share_one_scale_centred_on_zero():
    values = np.stack([np.linspace(-1, 3, 64), np.linspace(-0.5, 0.5, 64)])
    fig = image_grid(values, signed=True)
    limits = {ax.images[0].get_clim() for ax in fig.axes}
    assert limits == {(-3.0, 3.0)}
    assert {ax.images[0].get_cmap().name for ax in fig.axes} == {style.DIVERGING_CMAP}


def test_filter_responses_are_signed_and_gridless():
    fig = filter_responses(np.eye(8), [np.array([[1.0, -2.0], [0.5, 0.0]])], ["edge"])
    kernel_ax = fig.axes[1]
    low, high = kernel_ax.images[0].get_clim()
    assert low == -high == -2.0
    assert not any(grid_drawn(ax) for ax in fig.axes if ax.get_visible())


def test_signed_image_states_the_sign_convention_and_refuses_nan():
    fig, ax = plt.subplots()
    image = style.signed_image(ax, np.array([[0.2, -0.1], [0.0, 0.05]]), label="weight")
    assert image.get_clim() == (-0.2, 0.2)
    assert style.SIGN_CONVENTION in fig.axes[-1].get_ylabel()
    with pytest.raises(ValueError, match="finite"):
        style.signed_image(ax, np.array([[np.nan, 1.0]]))
    assert style.symmetric_limits(np.zeros(3)) == (-1.0, 1.0)
    plt.close(fig)


def test_equal_aspect_and_a_legend_off_the_data():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 2], label="line")
    style.equal_aspect(ax)
    legend = style.legend_outside(ax)
    fig.canvas.draw()
    box = legend.get_window_extent()
    axes_box = ax.get_window_extent()
    assert ax.get_aspect() == 1.0
    assert box.x0 >= axes_box.x1  # entirely to the right of the axes
    plt.close(fig)
