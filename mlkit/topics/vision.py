"""Small image operations in NumPy: simple features, shifts (fixed and random), a convolutional filter, its windows, pooling.

The computer-vision unit (``notebooks/22_computer_vision.ipynb``) writes these
by hand first; this module holds the reusable versions the lesson applies to
whole data sets, and that the unit's exercise checks use as their reference.
An image is a 2-D array (rows x columns); a stack of images is a 3-D array
(n x rows x columns).

Everything here computes and returns values: nothing prints or plots (the
figures are in :mod:`mlkit.plots.vision`), and no deep-learning framework is
imported: the lesson's Keras models take the arrays these functions return.

A filter is applied by :func:`correlate2d`, a cross-correlation, which is what a
convolutional layer computes. Before this release it was called ``convolve2d``
(and :func:`correlate_images` ``convolve_images``); the old names still work, return
exactly what they returned before, and warn (``FutureWarning``) with the new name,
since ``scipy.signal.convolve2d`` flips the kernel and gives other values.

Examples
--------
>>> import numpy as np
>>> image = np.arange(9.0).reshape(3, 3)
>>> shift_image(image, 1, 0).tolist()
[[0.0, 0.0, 0.0], [0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
>>> correlate2d(image, np.ones((2, 2))).tolist()
[[8.0, 12.0], [20.0, 24.0]]
>>> max_pool(np.array([[1.0, 2.0], [3.0, 0.0]])).tolist()
[[3.0]]
>>> image_patches(np.arange(9.0).reshape(1, 3, 3), (2, 2)).tolist()
[[0.0, 1.0, 3.0, 4.0], [1.0, 2.0, 4.0, 5.0], [3.0, 4.0, 6.0, 7.0], [4.0, 5.0, 7.0, 8.0]]
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from mlkit.errors import InputError

SHIFTS: tuple[tuple[int, int], ...] = ((-1, 0), (1, 0), (0, -1), (0, 1))
"""One pixel up, down, left and right, as ``(dy, dx)``: the shifts used to augment the digits."""


def _stack(images, name: str = "images") -> np.ndarray:
    """``images`` as a float array of shape (n, rows, cols), or an :class:`InputError` saying what it got."""
    array = np.asarray(images, dtype=float)
    if array.ndim != 3:
        raise InputError(f"{name} must be a 3-D array (n, rows, cols); got shape {array.shape}")
    return array


def _image(image, name: str = "image") -> np.ndarray:
    array = np.asarray(image, dtype=float)
    if array.ndim != 2:
        raise InputError(f"{name} must be a 2-D array (rows, cols); got shape {array.shape}")
    return array


def profile_features(images) -> np.ndarray:
    """Hand-made features: the ink in each row, then the ink in each column.

    Parameters
    ----------
    images : array-like of shape (n, rows, cols)

    Returns
    -------
    numpy.ndarray of shape (n, rows + cols): row sums first, then column sums.

    Examples
    --------
    >>> profile_features(np.array([[[1.0, 2.0], [0.0, 4.0]]])).tolist()
    [[3.0, 4.0, 1.0, 6.0]]
    """
    stack = _stack(images)
    return np.hstack([stack.sum(axis=2), stack.sum(axis=1)])


def shift_image(image, dy: int, dx: int) -> np.ndarray:
    """The image moved ``dy`` rows down and ``dx`` columns right; uncovered pixels are 0.

    Unlike ``np.roll``, nothing wraps around: what leaves one edge is lost.
    Negative ``dy`` moves up, negative ``dx`` moves left.

    Parameters
    ----------
    image : array-like of shape (rows, cols)
    dy, dx : whole numbers of pixels

    Returns
    -------
    numpy.ndarray of the same shape as ``image``.

    Examples
    --------
    >>> shift_image(np.array([[1.0, 2.0], [3.0, 4.0]]), 0, -1).tolist()
    [[2.0, 0.0], [4.0, 0.0]]
    """
    image = _image(image)
    rows, cols = image.shape
    out = np.zeros_like(image)
    if abs(dy) >= rows or abs(dx) >= cols:
        return out
    out[max(dy, 0): rows + min(dy, 0), max(dx, 0): cols + min(dx, 0)] = image[
        max(-dy, 0): rows + min(-dy, 0), max(-dx, 0): cols + min(-dx, 0)
    ]
    return out


def shift_images(images, dy: int, dx: int) -> np.ndarray:
    """:func:`shift_image` applied to each image of a stack (n, rows, cols).

    Examples
    --------
    >>> shift_images(np.ones((2, 3, 3)), 1, 1).sum(axis=(1, 2)).tolist()
    [4.0, 4.0]
    """
    stack = _stack(images)
    return np.stack([shift_image(image, dy, dx) for image in stack]) if len(stack) else stack.copy()


def augment_with_shifts(images, labels, shifts: Sequence[tuple[int, int]] = SHIFTS):
    """The images followed by one shifted copy of all of them per shift, and the labels repeated to match.

    Augment the **training** images only, after splitting: a shifted copy of a
    test image in the training set leaks the test set into training.

    Parameters
    ----------
    images : array-like of shape (n, rows, cols)
    labels : array-like of length n
    shifts : ``(dy, dx)`` pairs, by default one pixel in each of the four directions

    Returns
    -------
    (images, labels) : arrays of length ``n * (1 + len(shifts))``

    Examples
    --------
    >>> X, y = augment_with_shifts(np.ones((2, 4, 4)), [3, 7])
    >>> X.shape, y.tolist()
    ((10, 4, 4), [3, 7, 3, 7, 3, 7, 3, 7, 3, 7])
    """
    stack = _stack(images)
    labels = np.asarray(labels)
    if len(labels) != len(stack):
        raise InputError(f"labels must have one entry per image ({len(stack)}); got {len(labels)}")
    parts = [stack] + [shift_images(stack, dy, dx) for dy, dx in shifts]
    return np.concatenate(parts), np.tile(labels, len(parts))


def shifted_copies(images, labels, distance: int = 1):
    """The images moved ``distance`` pixels up, down, left and right, one stack after the other.

    A test of robustness: a model that has learned shapes rather than positions should
    classify these about as well as the unshifted images. Unlike
    :func:`augment_with_shifts`, the unshifted images are not included.

    Parameters
    ----------
    images : array-like of shape (n, rows, cols)
    labels : array-like of length n
    distance : whole number of pixels, at least 0

    Returns
    -------
    (images, labels) : arrays of length ``4 * n``, in the order of :data:`SHIFTS`

    Examples
    --------
    >>> X, y = shifted_copies(np.ones((2, 4, 4)), [3, 7], distance=2)
    >>> X.shape, y.tolist(), X.sum(axis=(1, 2)).tolist()
    ((8, 4, 4), [3, 7, 3, 7, 3, 7, 3, 7], [8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0])
    """
    if isinstance(distance, bool) or not isinstance(distance, (int, np.integer)) or distance < 0:
        raise InputError(f"distance must be a whole number of pixels, 0 or more; got {distance!r}")
    shifts = [(dy * distance, dx * distance) for dy, dx in SHIFTS]
    images, labels = augment_with_shifts(images, labels, shifts)
    n = len(images) // (1 + len(shifts))
    return images[n:], labels[n:]


def random_shifts(images, rng: np.random.Generator, max_shift: int = 1) -> np.ndarray:
    """Each image moved by its own random whole-pixel shift, for augmentation during training.

    For every image, ``dy`` and ``dx`` are drawn independently and uniformly from
    ``-max_shift, ..., max_shift`` (so with ``max_shift=1`` one image in nine stays
    where it is); the image is then moved as :func:`shift_image` moves it, with
    blank pixels coming in at the edges, never wrapping around. Called on each
    batch of a training loop, it shows the network a fresh variant of every image at
    every epoch.

    Parameters
    ----------
    images : array-like of shape (n, rows, cols)
    rng : numpy.random.Generator, the only source of randomness (seed it to repeat a run)
    max_shift : whole number of pixels, at least 0

    Returns
    -------
    numpy.ndarray of the same shape as ``images``.

    Examples
    --------
    >>> moved = random_shifts(np.ones((3, 5, 5)), np.random.default_rng(0), max_shift=0)
    >>> moved.sum(axis=(1, 2)).tolist()
    [25.0, 25.0, 25.0]
    """
    stack = _stack(images)
    if isinstance(max_shift, bool) or not isinstance(max_shift, (int, np.integer)) or max_shift < 0:
        raise InputError(f"max_shift must be a whole number of pixels, 0 or more; got {max_shift!r}")
    if not isinstance(rng, np.random.Generator):
        raise InputError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)); got {type(rng).__name__}")
    drawn = rng.integers(-max_shift, max_shift + 1, size=(len(stack), 2))
    out = np.empty_like(stack)
    for dy, dx in {tuple(pair) for pair in drawn.tolist()}:
        rows = (drawn[:, 0] == dy) & (drawn[:, 1] == dx)
        out[rows] = shift_images(stack[rows], dy, dx)
    return out


def image_patches(images, kernel_shape) -> np.ndarray:
    """Every window a kernel of ``kernel_shape`` covers, one flattened window per row.

    The windows of the first image come first, row by row of positions, as in
    :func:`correlate_images`; so ``image_patches(images, k.shape) @ k.ravel()`` is
    ``correlate_images(images, k).ravel()``. A filter with no bias is therefore a
    linear model whose features are the pixels of a window, and fitting it to target
    feature maps by least squares is a linear regression.

    Parameters
    ----------
    images : array-like of shape (n, rows, cols)
    kernel_shape : (k_rows, k_cols), no larger than the images

    Returns
    -------
    numpy.ndarray of shape ``(n * (rows - k_rows + 1) * (cols - k_cols + 1), k_rows * k_cols)``

    Examples
    --------
    >>> image_patches(np.zeros((2, 4, 5)), (3, 2)).shape
    (16, 6)
    """
    stack = _stack(images)
    try:
        k_rows, k_cols = (int(k) for k in kernel_shape)
    except (TypeError, ValueError):
        raise InputError(f"kernel_shape must be a pair (k_rows, k_cols); got {kernel_shape!r}") from None
    if k_rows < 1 or k_cols < 1 or stack.shape[1] < k_rows or stack.shape[2] < k_cols:
        raise InputError(f"the kernel shape {(k_rows, k_cols)} does not fit in the images {stack.shape[1:]}")
    windows = np.lib.stride_tricks.sliding_window_view(stack, (k_rows, k_cols), axis=(1, 2))
    return windows.reshape(-1, k_rows * k_cols)


def correlate2d(image, kernel) -> np.ndarray:
    """Slide ``kernel`` over ``image`` and sum the products at each position ("valid" positions only).

    This is a *cross-correlation*, the operation one filter of a convolutional
    layer computes (PyTorch's ``Conv2d``, Keras's ``Conv2D``): the kernel is used
    as it is. It equals ``scipy.signal.correlate2d(image, kernel, mode="valid")``.
    A *convolution* in the mathematical sense (``scipy.signal.convolve2d``) flips
    the kernel upside down and left to right first, so the two differ unless the
    kernel is symmetric under that flip.

    Parameters
    ----------
    image : array-like of shape (rows, cols)
    kernel : array-like of shape (k_rows, k_cols), no larger than the image

    Returns
    -------
    numpy.ndarray of shape ``(rows - k_rows + 1, cols - k_cols + 1)``.

    Raises
    ------
    InputError
        If ``image`` or ``kernel`` is not 2-D, or the kernel is larger than the image.

    Examples
    --------
    >>> correlate2d(np.eye(3), np.array([[1.0, -1.0]])).tolist()
    [[1.0, 0.0], [-1.0, 1.0], [0.0, -1.0]]
    """
    image = _image(image)
    kernel = _image(kernel, "kernel")
    k_rows, k_cols = kernel.shape
    if image.shape[0] < k_rows or image.shape[1] < k_cols:
        raise InputError(f"the kernel {kernel.shape} is larger than the image {image.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def correlate_images(images, kernel) -> np.ndarray:
    """:func:`correlate2d` applied to each image of a stack, in one vectorised step.

    Parameters
    ----------
    images : array-like of shape (n, rows, cols)
    kernel : array-like of shape (k_rows, k_cols), no larger than the images

    Returns
    -------
    numpy.ndarray of shape ``(n, rows - k_rows + 1, cols - k_cols + 1)``.

    Examples
    --------
    >>> correlate_images(np.ones((2, 3, 3)), np.ones((2, 2))).shape
    (2, 2, 2)
    """
    stack = _stack(images)
    kernel = _image(kernel, "kernel")
    if stack.shape[1] < kernel.shape[0] or stack.shape[2] < kernel.shape[1]:
        raise InputError(f"the kernel {kernel.shape} is larger than the images {stack.shape[1:]}")
    windows = np.lib.stride_tricks.sliding_window_view(stack, kernel.shape, axis=(1, 2))
    return np.einsum("nijkl,kl->nij", windows, kernel)


#: Old name -> new name of the functions renamed because they compute a cross-correlation.
RENAMED = {"convolve2d": "correlate2d", "convolve_images": "correlate_images"}


def _renamed_warning(old: str) -> None:
    import warnings

    warnings.warn(
        f"mlkit.topics.vision.{old} is now called {RENAMED[old]}: it computes a cross-correlation (the kernel is "
        f"not flipped), as before and as a convolutional layer does. It is not scipy.signal.convolve2d, which "
        f"flips the kernel. The old name will be removed in the next release.",
        FutureWarning,
        stacklevel=3,
    )


def convolve2d(image, kernel) -> np.ndarray:
    """Deprecated name of :func:`correlate2d`: the same cross-correlation, with a ``FutureWarning``.

    Kept so that notebooks written before the rename still run and still get the
    values they were written for; it does *not* flip the kernel, unlike
    ``scipy.signal.convolve2d``.
    """
    _renamed_warning("convolve2d")
    return correlate2d(image, kernel)


def convolve_images(images, kernel) -> np.ndarray:
    """Deprecated name of :func:`correlate_images`: the same cross-correlations, with a ``FutureWarning``."""
    _renamed_warning("convolve_images")
    return correlate_images(images, kernel)


def max_pool(feature_map, size: int = 2) -> np.ndarray:
    """The largest value of each ``size`` x ``size`` block.

    Rows and columns at the end that do not fill a whole block are dropped.
    Pooling keeps *whether* a pattern was found in a block and forgets exactly
    where, which makes the result tolerant of small shifts.

    Examples
    --------
    >>> max_pool(np.arange(16.0).reshape(4, 4)).tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    """
    feature_map = _image(feature_map, "feature_map")
    if not isinstance(size, (int, np.integer)) or size < 1:
        raise InputError(f"size must be a positive whole number; got {size!r}")
    rows, cols = feature_map.shape[0] // size, feature_map.shape[1] // size
    if rows < 1 or cols < 1:
        raise InputError(f"a pool of {size} x {size} does not fit in shape {feature_map.shape}")
    blocks = feature_map[: rows * size, : cols * size].reshape(rows, size, cols, size)
    return blocks.max(axis=(1, 3))


def conv_features(images, kernels: Sequence, size: int = 2) -> np.ndarray:
    """One convolutional layer by hand: each kernel, then a ReLU, then max-pooling, flattened.

    Parameters
    ----------
    images : array-like of shape (n, rows, cols)
    kernels : 2-D kernels of one shape
    size : side of the pooling blocks

    Returns
    -------
    numpy.ndarray of shape (n, features): the pooled maps of all kernels, side by side.

    Examples
    --------
    >>> conv_features(np.ones((2, 8, 8)), [np.ones((3, 3)), -np.ones((3, 3))]).shape
    (2, 18)
    """
    stack = _stack(images)
    parts = []
    for kernel in kernels:
        maps = np.maximum(correlate_images(stack, kernel), 0)
        parts.append(np.stack([max_pool(m, size) for m in maps]).reshape(len(stack), -1))
    return np.hstack(parts)


def correlate_channels(image, weights) -> np.ndarray:
    """One convolutional layer's filters on an image of several channels ("valid" positions, stride 1, no bias).

    Each filter has one kernel per input channel; its output map is the sum, over the
    channels, of :func:`correlate2d` of the channel with its kernel. The weights are laid
    out as Keras stores a ``Conv2D`` layer's kernel.

    Parameters
    ----------
    image : array-like of shape (rows, cols, channels_in)
    weights : array-like of shape (k_rows, k_cols, channels_in, channels_out)

    Returns
    -------
    numpy.ndarray of shape ``(rows - k_rows + 1, cols - k_cols + 1, channels_out)``.

    Examples
    --------
    >>> correlate_channels(np.ones((4, 5, 3)), np.ones((2, 2, 3, 2))).shape
    (3, 4, 2)
    >>> float(correlate_channels(np.ones((4, 5, 3)), np.ones((2, 2, 3, 2)))[0, 0, 0])
    12.0
    """
    image = np.asarray(image, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if image.ndim != 3 or weights.ndim != 4:
        raise InputError(f"image must be (rows, cols, channels) and weights (k_rows, k_cols, channels_in, "
                         f"channels_out); got shapes {image.shape} and {weights.shape}")
    if weights.shape[2] != image.shape[2]:
        raise InputError(f"weights have {weights.shape[2]} input channels; the image has {image.shape[2]}")
    if image.shape[0] < weights.shape[0] or image.shape[1] < weights.shape[1]:
        raise InputError(f"the kernel {weights.shape[:2]} is larger than the image {image.shape[:2]}")
    windows = np.lib.stride_tricks.sliding_window_view(image, weights.shape[:2], axis=(0, 1))
    return np.einsum("ijcab,abco->ijo", windows, weights)


def orientation_histograms(images, bins: int = 8, cell: int = 4) -> np.ndarray:
    """Hand-made features in the manner of HOG: where the strokes' edges point, cell by cell.

    The Sobel filters give each pixel's gradient (how fast the ink changes down and across);
    its orientation, without its sign (0 to 180 degrees: an edge is the same edge whichever side
    the ink is on), falls in one of ``bins`` bins, and each pixel adds its gradient's magnitude to
    its bin in the histogram of its ``cell`` x ``cell`` block. Real HOG also normalises
    overlapping blocks and interpolates between bins; this keeps the idea only.

    Parameters
    ----------
    images : array-like of shape (n, rows, cols); rows and cols multiples of ``cell``
    bins : orientation bins over 0 to 180 degrees
    cell : side of the square cells

    Returns
    -------
    numpy.ndarray of shape (n, cells * bins): each cell's histogram, cells row by row.

    Examples
    --------
    >>> orientation_histograms(np.zeros((2, 8, 8))).shape
    (2, 32)
    >>> vertical_edge = np.tile([0.0, 0, 0, 0, 9, 9, 9, 9], (8, 1))[np.newaxis]
    >>> int(orientation_histograms(vertical_edge, bins=4, cell=8).argmax())  # gradient across: 0 degrees
    0
    """
    from scipy import ndimage

    stack = _stack(images)
    n, rows, cols = stack.shape
    if rows % cell or cols % cell:
        raise InputError(f"images of {rows} x {cols} do not split into cells of {cell} x {cell}")
    down = ndimage.sobel(stack, axis=1, mode="constant")
    across = ndimage.sobel(stack, axis=2, mode="constant")
    magnitude = np.hypot(down, across)
    angle = np.degrees(np.arctan2(down, across)) % 180.0
    which = np.minimum((angle / (180.0 / bins)).astype(int), bins - 1)
    one_hot = (which[..., np.newaxis] == np.arange(bins)) * magnitude[..., np.newaxis]
    cells = one_hot.reshape(n, rows // cell, cell, cols // cell, cell, bins).sum(axis=(2, 4))
    return cells.reshape(n, -1)
