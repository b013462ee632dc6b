"""The three methods Table 1 compares DeepResolve with (paper §5.1).

Sequences follow the package convention (:mod:`deepresolve.datasets.sequences`):
``X: array, shape=(n_sequences, length, 4)``, A, C, G, T, one 1 per position (float32 inside;
rows of 0.25 for an N encoded as uniform are accepted too). ``K`` is the number of filters of
the feature-map layer, by default the model's last ``Conv1D`` (for the published models
``conv``, 16 filters of width 25, ReLU, followed by global max-pooling). The class score
``S_c`` is the model's output ``c`` *before* a final sigmoid/softmax, as for DeepResolve
(:func:`deepresolve.method.network.split_model`).

Input-dependent methods (one score per filter, :class:`FilterScores`)
    For ``N`` positive sequences sampled without replacement with ``default_rng(seed)`` (the
    paper: 5,000), with ``A_i^k`` the layer's output (after the layer's own activation, ReLU
    for the published models) at position ``i`` of filter ``k`` and ``L`` positions:

    - **Grad-CAM**: ``alpha_k = 1/N sum_n 1/L sum_i dS_c/dA_i^k(x_n)``;
    - **gradient x input**: ``beta_k = 1/N sum_n 1/L sum_i dS_c/dA_i^k(x_n) * A_i^k(x_n)``.

    Both come from one batched backward pass (:func:`gradient_filter_scores`); filters are
    ranked by decreasing score (:func:`deepresolve.method.importance.rank_filters`).

Enhanced DeepMotif (:func:`enhanced_deepmotif`, :class:`DeepMotifResult`)
    DeepMotif (Lanchantin et al., 2016) maximises ``S_c(X) - lambda ||X||_2^2`` over the input
    by gradient ascent from the all-0.25 matrix; the paper's "enhanced" version starts from
    several random matrices, keeps the 5 sequences of highest class score, and takes from each
    its most informative window of the filter width (24 bp in the paper, 25 for the published
    models) as a PWM. Here the input is parametrised as a per-position softmax of unconstrained
    logits ``Z: shape=(length, 4)`` and the objective is::

        J(Z) = S_c(softmax(Z)) - lambda * ||Z||_2^2      (softmax over the 4 bases)

    Why this parametrisation: every ascent iterate is a probability matrix, the domain between
    the one-hot sequences the network was trained on, so the class scores of different runs
    are comparable and the result *is* a PWM with no ad hoc conversion. ``Z = 0`` is DeepMotif's
    all-0.25 start, and the L2 penalty on the logits pulls towards it as DeepMotif's penalty
    pulls towards zero; it bounds the logits, so a run converges instead of saturating the
    softmax (a penalty on the probabilities is bounded and would let the logits diverge).

    The random starts are ``Z ~ N(0, init_scale^2)``, ``init_scale = 3`` by default: a start is
    then close to random DNA (the most probable base of a position has probability 0.78 on
    average) while the softmax is not saturated. Near-uniform starts fail on ReLU networks whose
    filters have negative biases, as the published models' do: at the all-0.25 matrix no filter
    of the Dnd41 CTCF model fires and the gradient is exactly zero; with ``init_scale = 1``
    2% of the filters fire anywhere in a start, and every run stays near the score of an empty
    sequence.

    The ascent loop is DeepResolve's (:mod:`deepresolve.method.fim`): all runs in one batch inside
    one
    compiled ``tf.while_loop``, plain gradient steps, each run keeps its best-objective ``Z`` and
    stops after ``patience`` steps without improvement; the step size decays after
    ``lr_decay_start``. The kept sequences are ranked by their class score ``S_c`` (the paper's
    "top 5 class score"), not by the penalised objective.

Results are deterministic for a given ``seed`` on CPU.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import keras
import numpy as np
import tensorflow as tf

from deepresolve.datasets.sequences import ALPHABET
from deepresolve.method.fim import architecture_signature, ascend, ascent_settings, stacked_outputs
from deepresolve.method.importance import rank_filters
from deepresolve.method.network import SplitModel, split_model
from deepresolve.motifs.pwm import information_content

log = logging.getLogger(__name__)

# Method names as in Table 1 (deepresolve.analyses.table1.PAPER_TABLE1).
GRAD_CAM = "Grad-CAM"
GRADIENT_X_INPUT = "gradient x input"
ENHANCED_DEEPMOTIF = "enhanced DeepMotif"
#: the authors' own enhanced DeepMotif (their DM.py), beside ours (softmax-parametrised input)
AUTHORS_DEEPMOTIF = "enhanced DeepMotif, authors' DM.py"


@dataclass(frozen=True)
class FilterScores:
    """Scores of the filters of one layer by an input-dependent method.

    Attributes
    ----------
    method : str
        :data:`GRAD_CAM` or :data:`GRADIENT_X_INPUT`.
    scores : ndarray, shape=(K,), float64
        Score of each filter, in units of the class score (logit) per unit of activation
        (Grad-CAM) or in units of the class score (gradient x input), averaged over positions
        and sequences.
    ranking : ndarray, shape=(K,), int64
        Filter indices by decreasing score, ties by index.
    layer_name : str
        Layer whose output was differentiated.
    sequence_indices : ndarray, shape=(N,), int64
        Rows of ``X`` that were used, increasing.
    class_index : int
        Output whose score ``S_c`` was differentiated.
    seed : int
        Seed of the sampling of the sequences.
    """

    method: str
    scores: np.ndarray
    ranking: np.ndarray
    layer_name: str
    sequence_indices: np.ndarray
    class_index: int
    seed: int


@dataclass(frozen=True)
class DeepMotifResult:
    """Enhanced DeepMotif: the best input-space optima of one class and their PWMs.

    Attributes
    ----------
    pwms : ndarray, shape=(n_best, width, 4), float64
        Most informative ``width``-bp window of each kept sequence, best class score first;
        rows are distributions over A, C, G, T.
    scores : ndarray, shape=(n_best,), float64
        Class score ``S_c`` (logit) of each kept sequence, decreasing.
    sequences : ndarray, shape=(n_best, length, 4), float32
        The kept optima ``softmax(Z)``, whole length.
    window_starts : ndarray, shape=(n_best,), int64
        First position (0-based) of each PWM's window in its sequence.
    runs : ndarray, shape=(n_best,), int64
        Index of the random start each kept sequence came from.
    run_scores, run_objectives : ndarray, shape=(n_runs,), float64
        ``S_c`` and the penalised objective ``J`` of the best iterate of every run.
    steps : ndarray, shape=(n_runs,), int64
        Gradient steps of every run.
    converged : ndarray, shape=(n_runs,), bool
        ``True`` where the run stopped by ``patience`` rather than ``max_steps``.
    layer_name : str
        Layer at which the model was split to get the pre-activation score (any split gives
        the same ``S_c``).
    zero_gradient_starts : ndarray, shape=(n_runs,), bool, or None
        ``True`` where ``dS_c/dX`` is exactly 0 at the run's start (no ReLU path from the input
        to the score is active there, so the first step is the L2 penalty's alone). Recorded by
        :func:`authors_deepmotif_many` only; ``None`` for :func:`enhanced_deepmotif_many`.
    params : dict
        The settings (``n_runs``, ``l2``, ``learning_rate``, ``init_scale``, ``seed``, ...).
    """

    pwms: np.ndarray
    scores: np.ndarray
    sequences: np.ndarray
    window_starts: np.ndarray
    runs: np.ndarray
    run_scores: np.ndarray
    run_objectives: np.ndarray
    steps: np.ndarray
    converged: np.ndarray
    layer_name: str
    params: dict = field(default_factory=dict)
    zero_gradient_starts: np.ndarray | None = None

    @property
    def consensus(self) -> list[str]:
        """Most probable base at each position of each PWM: ``n_best`` strings of ``width``."""
        letters = np.array(list(ALPHABET))
        return ["".join(letters[np.argmax(pwm, axis=-1)]) for pwm in self.pwms]


def last_conv_layer(model: keras.Model) -> str:
    """Name of the model's last ``Conv1D`` layer (``conv`` in the published models)."""
    convs = [m.name for m in model.layers if isinstance(m, keras.layers.Conv1D)]
    if not convs:
        names = ", ".join(f"{m.name} ({type(m).__name__})" for m in model.layers)
        raise ValueError(
            f"model {model.name!r} has no Conv1D layer; name the layer explicitly. Layers: {names}"
        )
    return convs[-1]


def _split(model: keras.Model, layer: str | None, class_index: int) -> SplitModel:
    split = split_model(model, last_conv_layer(model) if layer is None else layer)
    if not 0 <= class_index < split.n_classes:
        raise ValueError(
            f"class_index {class_index} out of range for a model with {split.n_classes} outputs"
        )
    return split


def _input_shape(model: keras.Model) -> tuple[int, int]:
    shape = tuple(model.inputs[0].shape[1:])
    if len(shape) != 2 or shape[1] != 4 or shape[0] is None:
        raise ValueError(
            f"model {model.name!r}: expected an input of shape (n, length, 4) with a fixed "
            f"length, got (n, {', '.join(map(str, shape))})"
        )
    return int(shape[0]), 4


def _check_shape(X, model: keras.Model) -> np.ndarray:
    """``X`` as an array after checking its shape against the model's input."""
    X = np.asarray(X)
    length, channels = _input_shape(model)
    if X.ndim != 3 or X.shape[1:] != (length, channels):
        raise ValueError(
            f"X: shape {X.shape} does not fit the input of model {model.name!r}, which takes "
            f"(n_sequences, {length}, {channels}) one-hot sequences (A, C, G, T)"
        )
    return X


def _check_values(X: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Rows ``indices`` of ``X`` as float32, each position one-hot or a distribution (N)."""
    rows = X[indices].astype(np.float32)
    bad = np.argwhere(
        ~np.isclose(rows.sum(axis=-1), 1.0, atol=1e-4) | ((rows < 0) | (rows > 1)).any(axis=-1)
    )
    if bad.size:
        i, j = bad[0]
        raise ValueError(
            f"X: sequence {indices[i]} position {j} is not one-hot or a distribution over "
            f"A, C, G, T (values {rows[i, j].tolist()})"
        )
    return rows


def sample_positives(
    X: np.ndarray, labels: np.ndarray | None = None, *, n_sequences: int = 5000, seed: int = 0
) -> np.ndarray:
    """Rows of ``X`` to score: ``n_sequences`` positives drawn without replacement.

    Parameters
    ----------
    X : array, shape=(n, length, 4)
        One-hot sequences (only ``len(X)`` is used).
    labels : array, shape=(n,), optional
        1 marks a positive (bound) sequence; ``None``: every row is a positive.
    n_sequences : int
        Sequences to draw; all positives when there are not more than this.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    indices : ndarray, shape=(min(n_sequences, n_positives),), int64
        Increasing row indices.
    """
    if n_sequences < 1:
        raise ValueError(f"n_sequences must be at least 1, got {n_sequences}")
    n = len(X)
    if labels is None:
        positives = np.arange(n)
    else:
        labels = np.asarray(labels)
        if labels.shape != (n,):
            raise ValueError(f"labels: expected shape ({n},) to match X, got {labels.shape}")
        positives = np.flatnonzero(labels == 1)
    if positives.size == 0:
        raise ValueError(
            f"no positive sequences to score ({n} sequences"
            + ("" if labels is None else f", labels {np.unique(labels).tolist()}")
            + "); the methods average over sequences labelled 1"
        )
    if positives.size > n_sequences:
        rng = np.random.default_rng(seed)
        positives = np.sort(rng.choice(positives, size=n_sequences, replace=False))
    return positives.astype(np.int64)


def _gradient_sums(split: SplitModel, class_index: int, length: int):
    """Compiled ``x: (B, length, 4)`` -> sums over the batch of the per-sequence Grad-CAM and
    gradient x input vectors, each ``(K,)``."""

    @tf.function(input_signature=[tf.TensorSpec([None, length, 4], tf.float32)])
    def sums(x):
        activation = split.lower(x, training=False)
        with tf.GradientTape() as tape:
            tape.watch(activation)
            score = split.upper(activation, training=False)[:, class_index]
        # rows are independent, so the gradient of the summed score is each row's gradient
        grad = tape.gradient(score, activation)
        positions = list(range(1, len(activation.shape) - 1))
        return (
            tf.reduce_sum(tf.reduce_mean(grad, axis=positions), axis=0),
            tf.reduce_sum(tf.reduce_mean(grad * activation, axis=positions), axis=0),
        )

    return sums


def gradient_filter_scores(
    model: keras.Model,
    X: np.ndarray,
    labels: np.ndarray | None = None,
    *,
    layer: str | None = None,
    class_index: int = 0,
    n_sequences: int = 5000,
    seed: int = 0,
    batch_size: int = 500,
) -> dict[str, FilterScores]:
    """Grad-CAM and gradient x input scores of every filter, from one backward pass.

    Parameters
    ----------
    model : keras.Model
        Trained model, input ``(n, length, 4)``, output ``(n, n_classes)``.
    X : array, shape=(n, length, 4)
        One-hot sequences (A, C, G, T); ``length`` must be the model's.
    labels : array, shape=(n,), optional
        1 marks the positives to sample from; ``None``: all rows are positives.
    layer : str, optional
        Layer whose output ``A`` is differentiated; default :func:`last_conv_layer`.
    class_index : int
        Output whose pre-sigmoid score ``S_c`` is differentiated.
    n_sequences : int
        Positives sampled without replacement (the paper: 5,000); all when fewer.
    seed : int
        Seed of the sampling (:func:`sample_positives`).
    batch_size : int
        Sequences per backward pass; does not change the result beyond float32 rounding.

    Returns
    -------
    dict of str -> FilterScores
        ``{GRAD_CAM: ..., GRADIENT_X_INPUT: ...}``, each with ``scores (K,)`` and ``ranking``.

    Raises
    ------
    ValueError
        ``X`` not of the model's input shape or not one-hot; no positive sequence; unknown
        ``layer`` (the message lists the valid names); ``class_index`` out of range.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    X = _check_shape(X, model)
    indices = sample_positives(X, labels, n_sequences=n_sequences, seed=seed)
    sample = _check_values(X, indices)
    split = _split(model, layer, class_index)
    sums = _gradient_sums(split, class_index, X.shape[1])
    total_cam = np.zeros(split.feature_shape[-1])
    total_gxi = np.zeros(split.feature_shape[-1])
    for start in range(0, len(sample), batch_size):
        cam, gxi = sums(tf.constant(sample[start : start + batch_size]))
        total_cam += cam.numpy()
        total_gxi += gxi.numpy()
    log.info(
        "gradient scores at layer %s: %d sequences (seed %d)", split.layer_name, len(indices), seed
    )
    results = {}
    for method, total in ((GRAD_CAM, total_cam), (GRADIENT_X_INPUT, total_gxi)):
        scores = total / len(indices)
        results[method] = FilterScores(
            method=method,
            scores=scores,
            ranking=rank_filters(scores).astype(np.int64),
            layer_name=split.layer_name,
            sequence_indices=indices,
            class_index=class_index,
            seed=seed,
        )
    return results


def grad_cam(model: keras.Model, X: np.ndarray, labels=None, **options) -> FilterScores:
    """Grad-CAM filter scores: ``alpha_k = mean_n mean_i dS_c/dA_i^k``, shape ``(K,)``.

    Arguments as :func:`gradient_filter_scores`.
    """
    return gradient_filter_scores(model, X, labels, **options)[GRAD_CAM]


def gradient_x_input(model: keras.Model, X: np.ndarray, labels=None, **options) -> FilterScores:
    """Gradient x input filter scores: ``beta_k = mean_n mean_i A_i^k dS_c/dA_i^k``, ``(K,)``.

    Arguments as :func:`gradient_filter_scores`.
    """
    return gradient_filter_scores(model, X, labels, **options)[GRADIENT_X_INPUT]


def most_informative_window(pwm: np.ndarray, width: int) -> tuple[int, np.ndarray]:
    """The ``width`` consecutive positions of ``pwm`` with the largest total information.

    Parameters
    ----------
    pwm : array, shape=(length, 4)
        Rows are distributions over A, C, G, T.
    width : int
        Window length in positions, ``1 <= width <= length``.

    Returns
    -------
    (start, window)
        First position (0-based; the leftmost of tied windows) and ``window: (width, 4)``.
        Information content in bits against a uniform background
        (:func:`deepresolve.motifs.pwm.information_content`).
    """
    pwm = np.asarray(pwm, dtype=float)
    if pwm.ndim != 2 or pwm.shape[1] != 4:
        raise ValueError(f"pwm: expected shape (length, 4), got {pwm.shape}")
    if not 1 <= width <= len(pwm):
        raise ValueError(f"width {width} must be between 1 and the PWM length {len(pwm)}")
    cumulative = np.concatenate([[0.0], np.cumsum(information_content(pwm))])
    start = int(np.argmax(cumulative[width:] - cumulative[:-width]))
    return start, pwm[start : start + width]


@dataclass(frozen=True)
class DeepMotifSettings:
    """Settings of enhanced DeepMotif, stated once for :func:`enhanced_deepmotif` and
    :func:`enhanced_deepmotif_many` (both take them as keyword arguments, or as ``settings=``
    plus overrides). The workflow passes ``table1_methods.deepmotif`` (config/README.md) for
    the published models and the ChIP-seq experiments alike.
    """

    #: random starts (the paper §5.1: "multiple random initializations", no number; the
    #: authors' ``DM.py`` takes 10, the workflow's ``table1_methods.deepmotif.n_runs``; 100 here
    #: so that the CTCF model's best 5 reach its motif, tests/test_attribution.py)
    n_runs: int = 100
    #: sequences kept by class score (the paper §5.1: "top 5 class score")
    n_best: int = 5
    #: PWM width in bp; ``None`` = the kernel width of :func:`last_conv_layer` (the paper's
    #: "24bp fragment"; 25 for the published models)
    width: int | None = None
    #: ``lambda`` of the penalty on the logits, in class-score units per squared logit (the
    #: softmax parametrisation is this package's, module docstring; no paper value applies)
    l2: float = 0.01
    #: step size of the ascent on the logits (this package's parametrisation)
    learning_rate: float = 1.0
    #: standard deviation of the random starting logits (module docstring says why 3)
    init_scale: float = 3.0
    #: steps without a better objective that end a run (DeepResolve's stopping rule,
    #: :mod:`deepresolve.method.fim`, with more patience for the input's slower ascent)
    patience: int = 20
    #: hard cap on the steps of a run
    max_steps: int = 2000
    #: step after which the step size decays (:mod:`deepresolve.method.fim`'s schedule)
    lr_decay_start: int = 500
    #: seed of ``numpy.random.default_rng`` drawing the starts
    seed: int = 0


def enhanced_deepmotif(
    model: keras.Model,
    *,
    class_index: int = 0,
    layer: str | None = None,
    settings: DeepMotifSettings | None = None,
    **overrides,
) -> DeepMotifResult:
    """Enhanced DeepMotif: input-space gradient ascent from random starts -> ``n_best`` PWMs.

    Maximises ``J(Z) = S_c(softmax(Z)) - l2 * ||Z||_2^2`` over logits ``Z: (length, 4)`` (see
    the module docstring) from ``n_runs`` starts ``Z ~ N(0, init_scale^2)``, all in one batch.

    Parameters
    ----------
    model : keras.Model
        Trained model, input ``(n, length, 4)`` one-hot (A, C, G, T).
    class_index : int
        Output whose pre-sigmoid score is maximised.
    layer : str, optional
        Where to split the model to read the pre-sigmoid score (any layer gives the same score);
        default :func:`last_conv_layer`.
    settings : DeepMotifSettings, optional
        Default :class:`DeepMotifSettings`'s, with ``overrides`` (``n_runs``, ``n_best``,
        ``width``, ``l2``, ``learning_rate``, ``init_scale``, ``patience``, ``max_steps``,
        ``lr_decay_start``, ``seed``); an unknown key raises ``TypeError``.

    Returns
    -------
    DeepMotifResult
        ``pwms (n_best, width, 4)`` best first, their ``scores``, ``sequences``, windows and the
        per-run diagnostics.

    Raises
    ------
    ValueError
        Bad settings (``n_best > n_runs``, ``width`` longer than the input, ...), unknown
        ``layer`` or ``class_index``.
    deepresolve.method.fim.FIMDivergenceError
        A run produced a non-finite objective (lower ``learning_rate`` or raise ``l2``).
    """
    return enhanced_deepmotif_many(
        [model], class_index=class_index, layer=layer, settings=settings, **overrides
    )[0]


#: Steps between two looks at which models have finished (they then leave the batch).
DEEPMOTIF_CHUNK = 100


def enhanced_deepmotif_many(
    models: Sequence[keras.Model],
    *,
    names: Sequence[str] | None = None,
    class_index: int = 0,
    layer: str | None = None,
    settings: DeepMotifSettings | None = None,
    **overrides,
) -> list[DeepMotifResult]:
    """:func:`enhanced_deepmotif` of many models, those of one architecture in one batch.

    Models whose lower and upper networks (split at ``layer``) have the same
    :func:`deepresolve.method.fim.architecture_signature` (e.g. the 422 published TF models) go
    through one compiled ascent: ``M x n_runs`` rows, each model's weights applied to its own
    rows (:func:`deepresolve.method.fim.stacked_outputs`); every ``DEEPMOTIF_CHUNK`` steps the
    models whose runs have all stopped leave the batch. Every model gets the starts
    :func:`enhanced_deepmotif` draws for it from ``seed`` and the same stopping rule, so each
    result equals that of :func:`enhanced_deepmotif` on the model alone up to float32 rounding.

    Parameters
    ----------
    models : sequence of keras.Model
        ``M`` models, inputs ``(n, length, 4)`` (lengths may differ between architectures).
    names : sequence of str, optional
        A name per model for log lines and errors (default: the model names).
    Other parameters: as :func:`enhanced_deepmotif` (``width`` None = each model's kernel
    width).

    Returns
    -------
    list of DeepMotifResult
        One per model, in input order.
    """
    chosen = replace(settings or DeepMotifSettings(), **overrides)
    n_runs, n_best, width = chosen.n_runs, chosen.n_best, chosen.width
    init_scale, seed = chosen.init_scale, chosen.seed
    if not 1 <= n_best <= n_runs:
        raise ValueError(f"n_best ({n_best}) must be between 1 and n_runs ({n_runs})")
    if init_scale <= 0:
        raise ValueError(f"init_scale must be positive, got {init_scale}")
    names = list(names) if names is not None else [m.name for m in models]
    if len(names) != len(models):
        raise ValueError(f"names: expected {len(models)} names, got {len(names)}")
    params = ascent_settings(
        n_runs,
        chosen.l2,
        chosen.learning_rate,
        chosen.patience,
        chosen.max_steps,
        chosen.lr_decay_start,
        seed,
        1e6,
    )
    params.update(n_best=n_best, init_scale=init_scale, class_index=class_index)
    splits, widths, groups = _split_models(models, layer, class_index, width)
    log.info(
        "enhanced DeepMotif of %d models (%d architecture group(s)) x %d runs, %s",
        len(models),
        len(groups),
        n_runs,
        params,
    )
    results: list[DeepMotifResult | None] = [None] * len(models)
    for members in groups.values():
        length = _input_shape(models[members[0]])[0]
        rng = np.random.default_rng(seed)
        starts = (init_scale * rng.standard_normal((n_runs, length, 4))).astype(np.float32)
        found = ascend(
            _deepmotif_scores([splits[i] for i in members], class_index, n_runs),
            np.concatenate([starts] * len(members)),
            params,
            lambda row, members=members: (
                f"enhanced DeepMotif of {names[members[row // n_runs]]}, run {row % n_runs}"
            ),
            group_size=n_runs,
            chunk=DEEPMOTIF_CHUNK,
        )
        for position, index in enumerate(members):
            rows = slice(position * n_runs, (position + 1) * n_runs)
            mine = {key: value[rows] for key, value in found.items()}
            results[index] = _deepmotif_result(
                mine, splits[index], dict(params, width=widths[index]), names[index]
            )
    return results


def _deepmotif_scores(
    splits: Sequence[SplitModel], class_index: int, n_runs: int, softmax: bool = True
):
    """``score(z, groups)`` of the ascent: ``S_c(softmax(z))`` of each row's model (``softmax``
    False: ``S_c(z)``, the raw input as in the authors' DM.py)."""

    def inputs(z):
        return tf.nn.softmax(z, axis=-1) if softmax else z

    if len(splits) == 1:
        lower, upper = splits[0].lower, splits[0].upper

        def score(z, groups):
            return upper(lower(inputs(z), training=False), training=False)[:, class_index]

        return score
    lower = stacked_outputs([s.lower for s in splits], n_runs)
    upper = stacked_outputs([s.upper for s in splits], n_runs)

    def stacked_score(z, groups):
        return upper(lower(inputs(z), groups), groups)[:, class_index]

    return stacked_score


def _split_models(models, layer, class_index: int, width: int | None):
    """Each model split at ``layer`` for ``class_index``, its PWM width (``width``, else its
    last convolution's kernel width; checked against the input length), and the models grouped
    by architecture (signature -> model indices), as both many-model eDMs batch them."""
    splits, widths, groups = [], [], {}
    for index, model in enumerate(models):
        length, _ = _input_shape(model)
        own = width or int(model.get_layer(last_conv_layer(model)).kernel_size[0])
        if not 1 <= own <= length:
            raise ValueError(f"width {own} must be between 1 and the input length {length}")
        split = _split(model, layer, class_index)
        splits.append(split)
        widths.append(own)
        signature = architecture_signature(split.lower) + architecture_signature(split.upper)
        groups.setdefault(signature, []).append(index)
    return splits, widths, groups


def _kept_runs_result(
    found: dict, split: SplitModel, params: dict, runs: np.ndarray, sequences, windows
) -> DeepMotifResult:
    """The :class:`DeepMotifResult` of one model's ascent (``found``: its ``n_runs`` rows) with
    the ``runs`` kept (best score first), their ``sequences`` ``(n_best, L, 4)`` and each one's
    most informative window ``(start, pwm)`` (:func:`most_informative_window`)."""
    run_scores = found["best_score"].astype(np.float64)
    return DeepMotifResult(
        pwms=np.stack([window for _, window in windows]),
        scores=run_scores[runs],
        sequences=sequences,
        window_starts=np.array([start for start, _ in windows], dtype=np.int64),
        runs=runs.astype(np.int64),
        run_scores=run_scores,
        run_objectives=found["best_obj"].astype(np.float64),
        steps=found["steps"].astype(np.int64),
        converged=found["converged"],
        layer_name=split.layer_name,
        params=params,
        zero_gradient_starts=found.get("zero_gradient_start"),
    )


def _deepmotif_result(found: dict, split: SplitModel, params: dict, name: str) -> DeepMotifResult:
    """One model's :class:`DeepMotifResult` from its ``n_runs`` rows of the ascent."""
    run_scores = found["best_score"].astype(np.float64)
    runs = np.argsort(-run_scores, kind="stable")[: params["n_best"]]
    sequences = tf.nn.softmax(found["best_h"][runs], axis=-1).numpy()
    windows = [most_informative_window(seq, params["width"]) for seq in sequences]
    log.info(
        "enhanced DeepMotif %s: %d runs, steps %d-%d, best scores %s",
        name,
        len(run_scores),
        found["steps"].min(),
        found["steps"].max(),
        np.round(run_scores[runs], 3).tolist(),
    )
    return _kept_runs_result(found, split, params, runs, sequences, windows)


def authors_deepmotif_many(
    models: Sequence[keras.Model],
    *,
    names: Sequence[str] | None = None,
    class_index: int = 0,
    n_random: int = 10,
    n_best: int = 5,
    width: int | None = None,
    l2: float = 3.0,
    learning_rate: float = 0.01,
    patience: int = 10,
    max_steps: int = 5000,
    lr_decay_start: int = 1000,
    seed: int = 0,
    layer: str | None = None,
) -> list[DeepMotifResult]:
    """The authors' enhanced DeepMotif (``code/utils/422tf/DM.py`` of lgsaber/DeepResolve),
    many models of one architecture in one batch.

    Per model ``1 + n_random`` runs on the raw input ``X: (length, 4)``: the all-0.25 matrix
    and ``n_random`` matrices of uniform random numbers divided by their sum over the 4 bases
    (``default_rng(seed).random``). Every step, for every run not yet stopped::

        X <- max(0, X + lr * (dS_c/dX - 2 * l2 * X))        (clipped at 0, not normalised)

    ``lr`` is ``learning_rate`` up to step ``lr_decay_start`` and
    ``max(learning_rate * (step - lr_decay_start) ** -0.2, 1e-6)`` after it. A run stops once
    its objective ``S_c(X) - l2 * ||X||^2`` has not exceeded its best for ``patience``
    consecutive steps; the ascent ends when every run has stopped or after step
    ``max_steps``. Each run keeps the input of its highest class score ``S_c``, with DM.py's
    bookkeeping: a stopped run counts as ``S_c = -1`` in the comparison, so a run whose best
    score is below -1 ends up keeping its last input. The ``n_best`` runs of highest kept
    score give the PWMs: each position divided by its sum over the bases (a position clipped
    to all zeros becomes 0.25 each, as the authors' filter PWMs), then the most informative
    ``width``-bp window (:func:`most_informative_window`).

    DM.py takes ``l2`` and the step size from its command line and the release does not
    record them; the defaults are ``table1.fim``'s (3 and 0.01), the values its FIM script
    (``ft_map.py``, same arguments) was run with to give the released ONIVs.

    Returns
    -------
    list of DeepMotifResult
        One per model, in input order. ``sequences (n_best, length, 4)`` are the kept raw
        inputs, ``run_scores (1 + n_random,)`` every run's kept ``S_c`` (run 0 = the all-0.25
        start), ``run_objectives`` the best objective, ``steps`` the step each run stopped
        at, ``converged`` False for runs still going at ``max_steps``.
    """
    if not 1 <= n_best <= n_random + 1:
        raise ValueError(f"n_best ({n_best}) must be between 1 and n_random + 1 ({n_random + 1})")
    if l2 < 0 or learning_rate <= 0 or patience < 1 or max_steps < 1 or lr_decay_start < 0:
        raise ValueError(
            f"authors' DeepMotif: need l2 >= 0, learning_rate > 0, patience >= 1, max_steps "
            f">= 1, lr_decay_start >= 0; got {l2}, {learning_rate}, {patience}, {max_steps}, "
            f"{lr_decay_start}"
        )
    names = list(names) if names is not None else [m.name for m in models]
    if len(names) != len(models):
        raise ValueError(f"names: expected {len(models)} names, got {len(names)}")
    n_runs = n_random + 1
    params = {
        "n_random": n_random,
        "n_best": n_best,
        "l2": l2,
        "learning_rate": learning_rate,
        "patience": patience,
        "max_steps": max_steps,
        "lr_decay_start": lr_decay_start,
        "seed": seed,
        "class_index": class_index,
    }
    splits, widths, groups = _split_models(models, layer, class_index, width)
    log.info("authors' DeepMotif of %d models x %d runs, %s", len(models), n_runs, params)
    results: list[DeepMotifResult | None] = [None] * len(models)
    for members in groups.values():
        length = _input_shape(models[members[0]])[0]
        rng = np.random.default_rng(seed)
        random = rng.random((n_random, length, 4))
        starts = np.concatenate(
            [np.full((1, length, 4), 0.25), random / random.sum(-1, keepdims=True)]
        )
        score = _deepmotif_scores([splits[i] for i in members], class_index, n_runs, False)
        found = _authors_ascent(score, starts.astype(np.float32), len(members), params)
        for position, index in enumerate(members):
            rows = slice(position * n_runs, (position + 1) * n_runs)
            mine = {key: value[rows] for key, value in found.items()}
            results[index] = _authors_result(
                mine, splits[index], dict(params, width=widths[index]), names[index]
            )
    return results


def _authors_ascent(score_fn, starts: np.ndarray, n_models: int, params: dict) -> dict:
    """DM.py's loop for ``n_models`` models x ``len(starts)`` runs; models whose runs have all
    stopped leave the batch every :data:`DEEPMOTIF_CHUNK` steps. Returns per row ``best_x``,
    ``best_score``, ``best_obj``, ``steps``, ``converged`` and ``zero_gradient_start``
    (``dS_c/dX`` exactly 0 at the start)."""
    n_runs = len(starts)
    l2, step, patience = params["l2"], params["learning_rate"], params["patience"]

    @tf.function(reduce_retracing=True)
    def gradient(x, groups):
        with tf.GradientTape() as tape:
            tape.watch(x)
            s = score_fn(x, groups)
        return s, tape.gradient(s, x)

    x = np.concatenate([starts] * n_models)
    n_rows = len(x)
    best_x = np.zeros_like(x)
    best_score = np.full(n_rows, -1000.0, np.float32)
    best_obj = np.full(n_rows, -1e9, np.float32)
    hold = np.zeros(n_rows, np.int64)
    stopped = np.zeros(n_rows, bool)
    steps = np.full(n_rows, params["max_steps"] + 1, np.int64)
    found = {
        "best_x": np.empty_like(x),
        "best_score": np.empty(n_rows, np.float32),
        "best_obj": np.empty(n_rows, np.float32),
        "steps": np.empty(n_rows, np.int64),
        "converged": np.empty(n_rows, bool),
        "zero_gradient_start": np.empty(n_rows, bool),
    }
    rows = np.arange(n_rows)  # original row of each row still in the batch
    groups = np.arange(n_models)
    count, lr = 0, step
    while True:
        s, g = gradient(tf.constant(x), tf.constant(groups, tf.int32))
        s, g = s.numpy(), g.numpy()
        if count == 0:
            found["zero_gradient_start"] = ~np.any(g, axis=(1, 2))
        objective = s - l2 * np.sum(x**2, axis=(1, 2))
        compared = np.where(stopped, -1.0, s)
        improved = compared > best_score
        best_score[improved] = s[improved]
        best_x[improved] = x[improved]
        better = objective > best_obj
        best_obj[better] = objective[better]
        hold = np.where(better, 0, hold + 1)
        newly = (hold >= patience) & ~stopped
        steps[newly] = count
        stopped |= hold >= patience
        if count > params["lr_decay_start"]:
            lr = max(step * (count - params["lr_decay_start"]) ** -0.2, 1e-6)
        finished = stopped.all() or count > params["max_steps"]
        done = np.repeat(stopped.reshape(-1, n_runs).all(axis=1) | finished, n_runs)
        if finished or (count % DEEPMOTIF_CHUNK == 0 and done.any()):
            for name, value in (
                ("best_x", best_x),
                ("best_score", best_score),
                ("best_obj", best_obj),
                ("steps", steps),
                ("converged", stopped),
            ):
                found[name][rows[done]] = value[done]
            if finished:
                break
            keep = ~done
            x, best_x, best_score, best_obj = (
                x[keep],
                best_x[keep],
                best_score[keep],
                best_obj[keep],
            )
            hold, stopped, steps, g = hold[keep], stopped[keep], steps[keep], g[keep]
            rows, groups = rows[keep], groups[keep.reshape(-1, n_runs)[:, 0]]
        if count % DEEPMOTIF_CHUNK == 0:
            log.info("step %d: %d runs in the batch, %d stopped", count, len(rows), stopped.sum())
        g = (g - 2 * l2 * x) * ~stopped[:, None, None]
        x = np.maximum(x + lr * g, 0).astype(np.float32)
        count += 1
    return found


def _authors_result(found: dict, split: SplitModel, params: dict, name: str) -> DeepMotifResult:
    """One model's :class:`DeepMotifResult` of :func:`authors_deepmotif_many`."""
    run_scores = found["best_score"].astype(np.float64)
    runs = np.argsort(-run_scores, kind="stable")[: params["n_best"]]
    sequences = found["best_x"][runs]
    totals = sequences.sum(axis=-1, keepdims=True)
    normalised = np.divide(sequences, totals, out=np.full_like(sequences, 0.25), where=totals > 0)
    windows = [most_informative_window(seq, params["width"]) for seq in normalised]
    log.info(
        "authors' DeepMotif %s: steps %d-%d, best scores %s",
        name,
        found["steps"].min(),
        found["steps"].max(),
        np.round(run_scores[runs], 3).tolist(),
    )
    return _kept_runs_result(found, split, params, runs, sequences, windows)
