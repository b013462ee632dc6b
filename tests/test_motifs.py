import memelite.io
import numpy as np
import pytest

from deepresolve.datasets.sequences import encode_indices
from deepresolve.figures.logos import plot_logo_sheet
from deepresolve.motifs import pwm as motifs

from .png_checks import assert_png_drawn, share_of_colour


def _kernel_with(planted: dict[int, tuple[str, int]], width=8, n_filters=10, seed=0):
    """Small random kernel; ``planted``: filter -> (k-mer, offset) gets +1 on its bases."""
    rng = np.random.default_rng(seed)
    kernel = rng.normal(0, 0.1, (width, 4, n_filters))
    for j, (kmer, offset) in planted.items():
        positions = offset + np.arange(len(kmer))
        inside = (positions >= 0) & (positions < width)  # bases past the filter's ends drop
        kernel[positions[inside], encode_indices(kmer)[inside], j] += 1.0
    return kernel


def test_match_finds_planted_filter_and_offset():
    kernel = _kernel_with({7: ("CGCTTG", 2), 3: ("CAGATG", 0)})
    ranking = motifs.match_pattern_to_filters(kernel, "CGCTTG")
    assert list(ranking.columns[:3]) == ["rank", "filter", "score"]
    assert ranking.loc[0, "filter"] == 7
    assert ranking.loc[0, "offset"] == 2
    assert ranking.loc[0, "relative_score"] == pytest.approx(1.0)
    assert len(ranking) == 10 and ranking["score"].is_monotonic_decreasing
    assert motifs.neuron_for_pattern(kernel, "CAGATG") == 3


def test_match_reverse_complement_and_long_kmer():
    # Filter 5 holds the reverse complement of GCTCAT, filter 2 a forward near-match.
    kernel = _kernel_with({5: ("ATGAGC", 1), 2: ("GCTCAA", 0)})
    assert motifs.match_pattern_to_filters(kernel, "GCTCAT").loc[0, "filter"] == 2
    ranking = motifs.match_pattern_to_filters(kernel, "GCTCAT", reverse_complement=True)
    assert (ranking.loc[0, "filter"], ranking.loc[0, "strand"]) == (5, "-")
    # A k-mer longer than the filter: the whole filter must be covered, so offset <= 0.
    long = motifs.match_pattern_to_filters(kernel, "TTATGAGCTTTT")
    assert long.loc[0, "filter"] == 5 and long.loc[0, "offset"] == -1


def test_partial_overlap_only_when_asked():
    kernel = _kernel_with({2: ("GCTCAT", 4)})  # last two bases fall off the 8-wide filter
    full = motifs.match_pattern_to_filters(kernel, "GCTCAT")
    assert full["offset"].between(0, 2).all()
    partial = motifs.match_pattern_to_filters(kernel, "GCTCAT", min_overlap=4)
    assert (partial.loc[0, "filter"], partial.loc[0, "offset"]) == (2, 4)
    with pytest.raises(ValueError):
        motifs.match_pattern_to_filters(kernel, "GCTCAT", min_overlap=7)


def test_assign_patterns_warns_on_shared_filter():
    kernel = _kernel_with({1: ("CGCTTG", 0), 4: ("CAGGTC", 1)})
    assert motifs.assign_patterns(kernel, ["CGCTTG", "CAGGTC"]) == {"CGCTTG": 1, "CAGGTC": 4}
    with pytest.warns(UserWarning, match="filter 1"):
        shared = motifs.assign_patterns(kernel, ["CGCTTG", "CGCTTC"])
    assert shared == {"CGCTTG": 1, "CGCTTC": 1}
    distinct = motifs.assign_patterns(kernel, ["CGCTTG", "CGCTTC"], distinct=True)
    assert distinct["CGCTTG"] == 1 and distinct["CGCTTC"] != 1


def test_filters_to_pwms_rules():
    kernel = np.zeros((3, 4, 2))
    kernel[0, :, 0] = [2.0, -1.0, 1.0, 1.0]
    kernel[1, :, 0] = [-1.0, -2.0, -0.5, -3.0]  # all negative -> uniform
    kernel[2, :, 0] = [0.0, 0.0, 0.0, 5.0]
    kernel[:, :, 1] = -1.0
    pwms = motifs.filters_to_pwms(kernel)
    assert pwms.shape == (2, 3, 4)
    np.testing.assert_allclose(pwms[0, 0], [0.5, 0.0, 0.25, 0.25])
    np.testing.assert_allclose(pwms[0, 1], [0.25] * 4)
    np.testing.assert_allclose(pwms[0, 2], [0, 0, 0, 1])
    np.testing.assert_allclose(pwms[1], 0.25)
    np.testing.assert_allclose(pwms.sum(axis=-1), 1.0)
    assert (pwms >= 0).all()
    np.testing.assert_allclose(motifs.information_content(pwms[0]), [0.5, 0.0, 2.0])


def test_meme_round_trip_with_memelite(tmp_path):
    pwms = motifs.filters_to_pwms(np.random.default_rng(3).normal(size=(8, 4, 5)))
    names = [f"filter_{i}" for i in range(5)]
    path = tmp_path / "filters.meme"
    motifs.write_meme(path, pwms, names, nsites=30)
    text = path.read_text()
    assert text.startswith("MEME version 4\n")
    for line in ("ALPHABET= ACGT", "strands: + -", "Background letter frequencies"):
        assert line in text
    assert "letter-probability matrix: alength= 4 w= 8 nsites= 30 E= 0" in text
    read = memelite.io.read_meme(str(path))
    assert list(read) == names
    # every number reads back as the same double: MEME's tomtom then compares the matrices that
    # the memelite engine compares in memory (with 6 decimals its p-values moved by up to
    # 1.6e-3 in log10 on Table 1's filters, docs/table1.md)
    for name, pwm in zip(names, pwms, strict=True):
        np.testing.assert_array_equal(read[name].T, pwm)
    np.testing.assert_array_equal(np.stack(list(motifs.read_meme(path).values())), pwms)
    assert motifs.meme_number(1e-7) == "1e-07" and motifs.meme_number(np.float64(0.25)) == "0.25"
    with pytest.raises(ValueError):
        motifs.write_meme(path, pwms, ["a b"] * 5)


def test_logo_sheet_draws_one_logo_per_filter(tmp_path):
    """5 filters on 3 columns: 5 titled logos of 8 letter stacks whose heights are the
    positions' information content, and one empty panel; the PNG shows the letters' colours."""
    pwms = motifs.filters_to_pwms(np.random.default_rng(4).normal(size=(8, 4, 5)))
    fig = plot_logo_sheet(pwms, n_cols=3)
    assert len(fig.axes) == 6 and sum(ax.axison for ax in fig.axes) == 5
    logos = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in logos] == [f"filter {i}" for i in range(5)]
    for ax, pwm in zip(logos, pwms, strict=True):
        heights = pwm * motifs.information_content(pwm)[:, None]
        assert len(ax.patches) == (heights > 0).sum()  # a glyph per base drawn at a position
        assert ax.get_ylim() == (0, 2)
        tops = np.zeros(8)
        for glyph in ax.patches:
            box = glyph.get_extents().transformed(ax.transData.inverted())
            position = int(round((box.x0 + box.x1) / 2))
            tops[position] = max(tops[position], box.y1)
        np.testing.assert_allclose(tops, motifs.information_content(pwm), atol=0.06)
    fig.savefig(tmp_path / "logos.png", dpi=50)
    pixels = assert_png_drawn(tmp_path / "logos.png", min_size=(150, 100))
    for colour in ("green", "blue", "orange", "red"):  # logomaker's classic A, C, G, T
        assert share_of_colour(pixels, colour, tolerance=0.1) > 1e-3, colour


def test_write_meme_known_motifs_of_different_widths_and_sites(tmp_path):
    short = np.full((4, 4), 0.25)
    long = np.eye(4)[[0, 1, 2, 3, 0, 1]]
    path = tmp_path / "known.meme"
    motifs.write_meme(path, [short, long], ["MA0001.1", "MA0002.1"], nsites=[12, 340])
    text = path.read_text()
    assert "w= 4 nsites= 12" in text and "w= 6 nsites= 340" in text
    back = motifs.read_meme(path)
    assert back["MA0002.1"].shape == (6, 4)
    with pytest.raises(ValueError, match="nsites: got 1 values for 2 motifs"):
        motifs.write_meme(path, [short, long], ["a", "b"], nsites=[3])


def test_pattern_filter_sets_take_every_filter_near_the_best():
    from deepresolve.motifs.pwm import pattern_filter_sets

    kernel = np.zeros((8, 4, 5))
    for j, weight in enumerate([1.0, 0.8, 0.6]):  # filters 0-2 hold CGCTTG at 3 strengths
        kernel[np.arange(6), encode_indices("CGCTTG"), j] = weight
    kernel[np.arange(6), encode_indices("CAGATG"), 3] = 1.0
    kernel[:, :, 4] = -0.1
    sets = pattern_filter_sets(kernel, ["CGCTTG", "CAGATG"], 0.7)
    assert sets == {"CGCTTG": [0, 1], "CAGATG": [3]}
    # filter 3 (CAGATG) shares C, T, G with CGCTTG: half the best score, below 0.55
    assert pattern_filter_sets(kernel, ["CGCTTG"], 0.55)["CGCTTG"] == [0, 1, 2]
    assert pattern_filter_sets(kernel, ["CGCTTG"], 0.45)["CGCTTG"] == [0, 1, 2, 3]
    assert pattern_filter_sets(kernel, ["CGCTTG"], 1.0)["CGCTTG"] == [0]
    with pytest.raises(ValueError, match="fraction"):
        pattern_filter_sets(kernel, ["CGCTTG"], 0)
