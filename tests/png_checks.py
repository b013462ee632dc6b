"""What a saved figure shows, read back from its PNG: size and pixel statistics."""

from pathlib import Path

import matplotlib.colors
import matplotlib.image
import numpy as np


def png_pixels(path: Path) -> np.ndarray:
    """The PNG's pixels, shape=(height, width, 3), RGB in [0, 1] (alpha composited on white)."""
    image = matplotlib.image.imread(path)
    if image.shape[2] == 4:
        image = image[..., :3] * image[..., 3:] + (1 - image[..., 3:])
    return image[..., :3]


def assert_png_drawn(
    path: Path, *, min_size: tuple[int, int], min_ink: float = 0.01, min_colours: int = 3
) -> np.ndarray:
    """Fail unless the PNG at ``path`` is at least ``min_size`` (width, height) pixels, has at
    least ``min_ink`` of its pixels not white (and not all of them), and at least
    ``min_colours`` distinct saturated colours or grey levels. Returns its pixels."""
    pixels = png_pixels(path)
    height, width, _ = pixels.shape
    assert width >= min_size[0] and height >= min_size[1], (path, width, height)
    ink = np.any(pixels < 0.95, axis=2).mean()
    assert min_ink <= ink < 0.99, f"{path}: {ink:.3f} of the pixels drawn"
    colours = np.unique((pixels * 8).astype(int).reshape(-1, 3), axis=0)
    assert len(colours) >= min_colours, f"{path}: {len(colours)} colours"
    return pixels


def share_of_colour(pixels: np.ndarray, colour, tolerance: float = 0.05) -> float:
    """Fraction of ``pixels`` within ``tolerance`` of ``colour`` (any matplotlib colour)."""
    target = np.asarray(matplotlib.colors.to_rgb(colour))
    return float(np.all(np.abs(pixels - target) <= tolerance, axis=2).mean())
