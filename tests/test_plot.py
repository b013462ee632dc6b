import matplotlib.colors as mcolors
import numpy as np
import pytest

from deepresolve.figures import synthetic as plot
from deepresolve.method.importance import ONIV_RULE
from deepresolve.motifs.pwm import filters_to_pwms

from .png_checks import assert_png_drawn, share_of_colour

K, T, C = 12, 4, 3
RED, BLUE = mcolors.to_rgba(plot.POSITIVE), mcolors.to_rgba(plot.NEGATIVE)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    nivs = rng.normal(size=(C, T, K))
    variance = nivs.var(axis=1)
    nonlinear = variance > np.median(variance)
    oniv = np.where(nonlinear, nivs.max(axis=1), nivs.mean(axis=1))
    pwms = filters_to_pwms(rng.normal(size=(6, 4, K)))
    names = [f"class {c + 1}" for c in range(C)]
    return nivs, variance, nonlinear, oniv, pwms, names


def _rows(fig, kind):
    """Circle rows of one kind, in drawing order: (label, values' colours, edge widths)."""
    return [
        (coll.get_gid().split(":", 1)[1], coll)
        for ax in fig.axes
        for coll in ax.collections
        if (coll.get_gid() or "").startswith(f"{kind}:")
    ]


def _check_rows(fig, expected_rows, kind="signed"):
    rows = _rows(fig, kind)
    assert len(rows) == len(expected_rows)
    for (_, coll), values in zip(rows, expected_rows, strict=True):
        assert len(coll.get_offsets()) == K
        np.testing.assert_array_equal(coll.get_offsets()[:, 0], np.arange(K))
        if kind == "signed":
            colours = [tuple(c) for c in coll.get_facecolors()]
            assert len(colours) == K
            for value, colour in zip(values, colours, strict=True):
                assert colour == (RED if value > 0 else BLUE)
        sizes = coll.get_sizes()
        assert np.argmax(sizes) == np.argmax(np.abs(values))


def _save(fig, tmp_path, name, colours=(RED, BLUE)):
    """Save as PDF and PNG; the PNG is the figure's size and shows each of ``colours``."""
    fig.savefig(tmp_path / f"{name}.pdf")
    assert (tmp_path / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    fig.savefig(tmp_path / f"{name}.png", dpi=40)
    width, height = fig.get_size_inches() * 40
    pixels = assert_png_drawn(tmp_path / f"{name}.png", min_size=(int(width), int(height)))
    for colour in colours:
        assert share_of_colour(pixels, colour) > 1e-4, (name, colour)


def test_figure_niv_runs(data, tmp_path):
    nivs, variance, _, _, pwms, _ = data
    fig = plot.figure_niv_runs(nivs[0], variance[0], pwms, "dataset I", n_logos=3)
    _check_rows(fig, nivs[0])
    _check_rows(fig, variance[:1], kind="variance")
    insets = [inset for ax in fig.axes for inset in ax.child_axes]
    logos = [ax for ax in insets if ax.get_title().startswith("#")]
    top3 = np.sort(np.argsort(-variance[0])[:3])
    assert [ax.get_title() for ax in logos] == [f"#{n}" for n in top3]
    _save(fig, tmp_path, "fig2")


def test_figure_class_nivs_scales_each_row(data, tmp_path):
    """Classes whose NIVs differ 200-fold: every row's largest circle is full size, and its
    label says the row's maximum."""
    nivs, variance, _, _, pwms, names = data
    avg = nivs.mean(axis=1) * np.array([[1.0], [200.0], [0.5]])
    fig = plot.figure_class_nivs(avg, variance, pwms, names)
    _check_rows(fig, avg)
    _check_rows(fig, variance, kind="variance")
    signed = _rows(fig, "signed")
    assert [label.split("\n")[0] for label, _ in signed] == names
    for (label, coll), row in zip(signed, avg, strict=True):
        assert np.max(coll.get_sizes()) == pytest.approx(plot._MAX_AREA)
        assert label.endswith(f"max |NIV| {np.abs(row).max():.3g}")
    for (label, coll), row in zip(_rows(fig, "variance"), variance, strict=True):
        assert np.max(coll.get_sizes()) == pytest.approx(plot._MAX_AREA)
        assert label.endswith(f", max {row.max():.3g}")
    legend = fig.legends[0]
    assert legend.get_title().get_text() == "largest circle:\nthe row's max"
    assert [t.get_text() for t in legend.get_texts()] == ["NIV > 0", "NIV < 0", "variance"]
    _save(fig, tmp_path, "fig3", colours=(RED, BLUE, plot.VARIANCE))


def test_figure_oniv_from_nivs_marks_nonlinear(data, tmp_path):
    nivs, variance, nonlinear, oniv, pwms, _ = data
    fig = plot.figure_oniv_from_nivs(nivs[0], oniv[0], nonlinear[0], variance[0], pwms)
    _check_rows(fig, np.vstack([nivs[0], oniv[:1]]))
    label, oniv_row = _rows(fig, "signed")[-1]
    assert label == "ONIV"
    np.testing.assert_array_equal(np.asarray(oniv_row.get_linewidths()) > 0, nonlinear[0])
    _save(fig, tmp_path, "fig4")


@pytest.mark.parametrize("mode", ["released", "paper"])
def test_figure_oniv_from_nivs_says_how_its_mode_built_the_oniv(data, mode):
    nivs, variance, nonlinear, oniv, pwms, _ = data
    fig = plot.figure_oniv_from_nivs(nivs[0], oniv[0], nonlinear[0], variance[0], pwms, mode=mode)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    [caption] = [t for t in texts if t.startswith("ONIV")]
    assert caption == f"ONIV ({mode} mode): {ONIV_RULE[mode]}"
    assert ("max over runs" in caption) == (mode == "paper")
    with pytest.raises(ValueError, match="mode"):
        plot.figure_oniv_from_nivs(nivs[0], oniv[0], nonlinear[0], variance[0], pwms, mode="x")


def test_figure_class_onivs(data, tmp_path):
    _, _, nonlinear, oniv, pwms, names = data
    fig = plot.figure_class_onivs(oniv, nonlinear, pwms, names)
    _check_rows(fig, oniv)
    for (_, coll), flags in zip(_rows(fig, "signed"), nonlinear, strict=True):
        np.testing.assert_array_equal(np.asarray(coll.get_linewidths()) > 0, flags)
    _save(fig, tmp_path, "fig5")


def test_figure_similarity_matrices(tmp_path):
    rng = np.random.default_rng(1)
    matrices = {name: np.corrcoef(rng.normal(size=(4, 10))) for name in "ABCD"}
    fig = plot.figure_similarity_matrices(matrices, ["1", "2", "3", "4"], highlight=3)
    heatmaps = [ax for ax in fig.axes if ax.get_title() in matrices]
    assert len(heatmaps) == 4
    for ax in heatmaps:
        assert len(ax.texts) == 16  # annotated values
        assert [p.get_gid() for p in ax.patches] == ["highlight"]
    _save(fig, tmp_path, "fig6", colours=())


def test_shape_errors(data):
    nivs, variance, _, _, pwms, _ = data
    with pytest.raises(ValueError, match="variance"):
        plot.figure_niv_runs(nivs[0], variance[0, :-1], pwms, "x")
    with pytest.raises(ValueError, match="pwms"):
        plot.figure_niv_runs(nivs[0], variance[0], pwms[:-1], "x")
