"""Feature importance maps (FIMs) by gradient ascent on an intermediate feature map (paper §2).

For class ``c`` the FIM is ``H^c = argmax_H S_c(H) - l2 * ||H||_2^2``, where ``S_c`` is the class
score before the sigmoid/softmax computed by the upper network of :func:`deepresolve.method.network.
split_model`. Every class is optimised from ``n_runs`` standard-normal starts; all
``n_classes x n_runs`` runs go through the upper network as one batch inside one compiled
``tf.while_loop``, each run with its own convergence mask.

The stopping rule and the learning-rate schedule follow the authors' released
``FIM_generation.py``:

- a run's hold counter is reset when its objective improves on its best so far and incremented
  otherwise; the run stops when the counter reaches ``patience`` (or at ``max_steps``);
- the step size at step ``i`` is ``learning_rate`` for ``i <= lr_decay_start``, then
  ``max(learning_rate * (i - lr_decay_start) ** -0.2, 1e-6)``;
- the update is plain gradient ascent, ``H += lr * dObjective/dH``.

Each run keeps the ``H`` with the best objective, its score ``S_c`` and its objective. (The
released script meant to keep the best-scoring map but stored a reference to the array it kept
updating, so it returned the last map; keeping the best objective is the stated intent of the
objective function.)

Results are deterministic for a given ``seed`` on CPU.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import replace

import keras
import numpy as np
import tensorflow as tf

from deepresolve.method.fim_result import FIMResult

# FIMDivergenceError, OPTION_NAMES, fim_options, ascent_settings: importable from here too
from deepresolve.method.fim_settings import (  # noqa: F401
    MIN_LR,
    OPTION_NAMES,
    FIMDivergenceError,
    FimSettings,
    ascent_settings,
    fim_options,
    raise_divergence,
    starts,
)
from deepresolve.method.fim_settings import class_indices as _class_indices
from deepresolve.method.network import SplitModel, split_model

log = logging.getLogger(__name__)

# Steps per compiled call; progress is logged between calls.
_CHUNK = 500


def _make_chunk(score_fn, l2, learning_rate, patience, max_steps, lr_decay_start, max_abs):
    """Compile the gradient-ascent loop over one chunk of steps for all rows at once.

    ``score_fn(h, groups)`` maps ``h: (N, *feature_shape)`` to the class score of every row,
    ``(N,)``; ``groups: (G,)`` int32 names the row groups present (see :func:`ascend`).
    State (N rows): ``step`` (scalar), ``h``, ``best_h`` ``(N, *feature_shape)``,
    ``best_obj``, ``best_score`` ``(N,)``, ``hold``, ``steps`` ``(N,)`` int32, ``active``,
    ``converged`` ``(N,)`` bool, ``failure`` ``(3,)`` int32 = (row, step, reason) of the first
    divergence, row -1 while none.
    """
    l2 = tf.constant(l2, tf.float32)
    lr0 = tf.constant(learning_rate, tf.float32)
    decay_start = tf.constant(lr_decay_start, tf.int32)
    patience = tf.constant(patience, tf.int32)
    max_steps = tf.constant(max_steps, tf.int32)
    max_abs = tf.constant(max_abs, tf.float32)

    def expand(mask, like):
        return tf.reshape(mask, [-1] + [1] * (len(like.shape) - 1))

    def body(
        groups, step, h, best_h, best_obj, best_score, hold, steps, active, converged, failure
    ):
        axes = list(range(1, len(h.shape)))
        with tf.GradientTape() as tape:
            tape.watch(h)
            score = score_fn(h, groups)
            objective = score - l2 * tf.reduce_sum(tf.square(h), axis=axes)
        grad = tape.gradient(objective, h)  # rows are independent: d(sum)/dH is per row

        finite = tf.math.is_finite(objective) & tf.reduce_all(tf.math.is_finite(grad), axis=axes)
        too_large = tf.reduce_max(tf.abs(h), axis=axes) > max_abs
        bad = active & (~finite | too_large)
        first_bad = tf.cast(tf.argmax(tf.cast(bad, tf.int32)), tf.int32)
        reason = tf.where(finite[first_bad], 2, 1)
        failure = tf.where(
            tf.reduce_any(bad), tf.stack([first_bad, step, reason]), failure
        )  # the loop stops on it

        improved = active & (objective > best_obj)
        best_obj = tf.where(improved, objective, best_obj)
        best_score = tf.where(improved, score, best_score)
        best_h = tf.where(expand(improved, h), h, best_h)
        hold = tf.where(improved, 0, tf.where(active, hold + 1, hold))
        patient = active & (hold >= patience)
        stop = patient | (active & (step >= max_steps))
        converged = converged | patient
        steps = tf.where(stop, step, steps)
        active = active & ~stop

        decayed = lr0 * tf.pow(tf.cast(tf.maximum(step - decay_start, 1), tf.float32), -0.2)
        lr = tf.where(step <= decay_start, lr0, tf.maximum(decayed, MIN_LR))
        h = h + tf.where(expand(active, h), lr * grad, tf.zeros_like(grad))
        return step + 1, h, best_h, best_obj, best_score, hold, steps, active, converged, failure

    # the row count shrinks when finished groups are dropped: one trace for every size. The
    # loop is built from TensorFlow ops, so AutoGraph has nothing to convert; leaving it out
    # saves its source parsing, ~0.3 CPU-s of each process's first trace (same graph, same FIMs)
    @tf.function(reduce_retracing=True, autograph=False)
    def run_chunk(end, groups, *state):
        def cond(step, *rest):
            active, failure = rest[-3], rest[-1]
            return (step < end) & tf.reduce_any(active) & (failure[0] < 0)

        return tf.while_loop(cond, lambda *s: body(groups, *s), state)

    return run_chunk


def _single_model_scores(upper: keras.Model, class_of_row: np.ndarray):
    """``h: (N, *feature_shape)`` -> ``(N,)``: row i's score of class ``class_of_row[i]``."""
    rows = tf.constant(class_of_row, dtype=tf.int32)

    def scores(h, groups):
        return tf.gather(upper(h, training=False), rows, axis=1, batch_dims=1)

    return scores


def stacked_outputs(models: Sequence[keras.Model], rows_per_model: int):
    """M networks of one architecture applied side by side, each to its own rows.

    Returns ``apply(x, groups)``: ``x: (G * rows_per_model, *input_shape)`` holds the rows of
    ``G`` models one model after another, ``groups: (G,)`` int32 says which of the ``M`` models
    (their positions in ``models``); the result is ``(G * rows_per_model, *output_shape)``. The
    first network is the template; the weights of all M are stacked and the selected ones
    applied with ``tf.vectorized_map`` over :meth:`keras.Model.stateless_call` (one batched
    operation per layer instead of G calls).
    """
    template = models[0]
    stacked = [
        tf.constant(np.stack([m.trainable_variables[i].numpy() for m in models]))
        for i in range(len(template.trainable_variables))
    ]
    fixed = [v.value for v in template.non_trainable_variables]  # e.g. dropout seed state

    def one_model(args):
        weights, x = args
        out, _ = template.stateless_call(list(weights), fixed, x, training=False)
        return out

    def apply(x, groups):
        grouped = tf.reshape(x, [-1, rows_per_model, *x.shape[1:]])
        # one extra copy of the first model, dropped below: the gradient of vectorized_map
        # over a single model of unknown count fails in TF 2.21 (bias broadcast in pfor)
        grouped = tf.concat([grouped, grouped[:1]], axis=0)
        weights = [tf.gather(w, tf.concat([groups, groups[:1]], axis=0)) for w in stacked]
        out = tf.vectorized_map(one_model, (weights, grouped))[:-1]
        return tf.reshape(out, [-1, *out.shape[2:]])

    return apply


def _stacked_model_scores(uppers: list[keras.Model], class_of_row: np.ndarray):
    """Scores of M upper networks of one architecture, evaluated side by side.

    Rows are grouped by model (:func:`stacked_outputs`): ``h: (G * R, *feature_shape)`` for
    the ``G`` models in ``groups``; ``class_of_row: (R,)`` is the class of each of a model's
    ``R`` rows, the same for every model.
    """
    pattern = tf.constant(class_of_row, dtype=tf.int32)
    apply = stacked_outputs(uppers, len(class_of_row))

    def scores(h, groups):
        rows = tf.tile(pattern, tf.shape(groups))
        return tf.gather(apply(h, groups), rows, axis=1, batch_dims=1)

    return scores


def architecture_signature(upper: keras.Model) -> str:
    """The upper network's configuration with layer and model names replaced by positions.

    Two networks with the same signature differ only in their weights, so they can be stacked
    into one gradient-ascent batch (:func:`feature_importance_maps_many`).
    """
    text = json.dumps(upper.get_config(), sort_keys=True)
    names = [upper.name] + [layer.name for layer in upper.layers]
    for index, name in enumerate(names):
        text = text.replace(json.dumps(name), json.dumps(f"#{index}"))
    shapes = [tuple(v.shape) for v in upper.weights]
    return f"{text}|{shapes}"


def _tensorflow_params(chosen: FimSettings) -> dict:
    """``chosen.params()``, with Keras on its TensorFlow backend (the engine's graph is TF)."""
    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(f"FIMs need the TensorFlow backend, not {keras.backend.backend()!r}")
    return chosen.params()


def _split(model: keras.Model | SplitModel, layer: str | None) -> SplitModel:
    if isinstance(model, SplitModel):
        if layer is not None:
            raise ValueError("layer must be None when model is already a SplitModel")
        return model
    return split_model(model, layer)


def _initial_state(starts: np.ndarray, max_steps: int) -> tuple:
    """The loop state of :func:`_make_chunk`'s compiled chunk before step 0, every row active,
    from ``starts: (N, *feature_shape)``."""
    n_rows = len(starts)
    h = tf.constant(starts)
    return (
        tf.constant(0, tf.int32),
        h,
        h,
        tf.fill([n_rows], -np.inf),
        tf.fill([n_rows], np.nan),
        tf.zeros([n_rows], tf.int32),
        tf.fill([n_rows], max_steps),
        tf.ones([n_rows], tf.bool),
        tf.zeros([n_rows], tf.bool),
        tf.constant([-1, -1, 0], tf.int32),
    )


def ascend(
    score_fn, starts: np.ndarray, params: dict, describe_row, *, group_size=None, chunk=_CHUNK
) -> dict[str, np.ndarray]:
    """Run the compiled ascent from ``starts: (N, *feature_shape)`` until every row stops.

    ``score_fn(h, groups)`` gives the score of every row of ``h``. With ``group_size``, the
    rows come in groups of that many (e.g. one model's runs; ``N`` a multiple of it), and
    every ``chunk`` steps the groups whose rows have all stopped leave the batch: the next
    steps compute only the others, and ``groups`` (int32, the group numbers ``row //
    group_size`` present, increasing) tells ``score_fn`` which remain. Rows are independent,
    so a row's result does not depend on the others. Without ``group_size`` all rows are one
    group (``groups = [0]``).

    Returns ``best_h (N, *feature_shape)``, ``best_score``, ``best_obj``, ``steps``,
    ``converged`` ``(N,)``. ``describe_row(i)`` names row ``i`` in a divergence error.
    """
    n_rows, max_steps = len(starts), params["max_steps"]
    size = n_rows if group_size is None else int(group_size)
    if size < 1 or n_rows % size:
        raise ValueError(f"group_size {group_size} does not divide the {n_rows} rows")
    run_chunk = _make_chunk(
        score_fn,
        params["l2"],
        params["learning_rate"],
        params["patience"],
        max_steps,
        params["lr_decay_start"],
        params["max_abs"],
    )
    state = _initial_state(starts, max_steps)
    found = {
        "best_h": np.empty(starts.shape, np.float32),
        "best_score": np.empty(n_rows, np.float32),
        "best_obj": np.empty(n_rows, np.float32),
        "steps": np.empty(n_rows, np.int32),
        "converged": np.empty(n_rows, bool),
    }
    fields = {"best_h": 2, "best_obj": 3, "best_score": 4, "steps": 6, "converged": 8}
    groups = np.arange(n_rows // size)
    while True:
        rows = (groups[:, None] * size + np.arange(size)).ravel()  # original row of each row
        end = min(int(state[0]) + chunk, max_steps + 1)
        state = run_chunk(tf.constant(end, tf.int32), tf.constant(groups, tf.int32), *state)
        step, active, failure = int(state[0]), state[7].numpy(), state[9].numpy()
        if failure[0] >= 0:
            failure[0] = rows[failure[0]]
            raise_divergence(failure, describe_row, params)
        log.info(
            "step %d: %d of %d runs active (%d rows in the batch), mean best objective %.6g",
            step,
            active.sum(),
            n_rows,
            len(rows),
            float(np.mean(state[3].numpy())),
        )
        keep = active.reshape(-1, size).any(axis=1)
        done = np.repeat(~keep, size)
        for name, position in fields.items():
            found[name][rows[done]] = state[position].numpy()[done]
        if not keep.any():
            break
        if not keep.all():
            kept = tf.constant(np.flatnonzero(~done), tf.int32)
            state = tuple(
                tf.gather(value, kept) if position not in (0, 9) else value
                for position, value in enumerate(state)
            )
            groups = groups[keep]
    return found


def _result(found: dict, rows: slice, split: SplitModel, class_indices, params) -> FIMResult:
    """The FIMResult of one model from its rows of :func:`ascend`'s output."""
    result = FIMResult.from_ascent(
        found, rows, split.feature_shape, split.layer_name, class_indices, params
    )
    log.info("%s done: %s", split.upper.name, result.describe())
    return result


def feature_importance_maps(
    model: keras.Model | SplitModel,
    layer: str | None = None,
    *,
    classes=None,
    first_class: int = 0,
    settings: FimSettings | None = None,
    **overrides,
) -> FIMResult:
    """FIMs of every class: ``n_runs`` gradient-ascent runs from random standard-normal starts.

    Parameters
    ----------
    model : keras.Model or SplitModel
        The trained model (split at ``layer`` with :func:`deepresolve.method.network.split_model`),
        or an already split model (then ``layer`` must be ``None``).
    layer : str, optional
        Feature-map layer; ``None`` = the border between convolutional and dense layers.
    classes : sequence of int, optional
        Output indices to optimise; ``None`` = all.
    first_class : int
        When ``classes`` is one chunk of a longer class list: the position of ``classes[0]`` in
        it. The chunk's runs then start where one call over the whole list starts them
        (:func:`starts`), so chunks merged give that call's result
        (``deepresolve.analyses.multiclass``).
    settings : FimSettings, optional
        The ascent's settings (default :class:`FimSettings`'s), with ``overrides``:
        ``n_runs`` (random starts ``T`` per class), ``l2``, ``learning_rate``, ``patience``,
        ``max_steps``, ``lr_decay_start``, ``seed``, ``max_abs``; an unknown key raises
        ``TypeError``.

    Returns
    -------
    FIMResult
        ``fims (C, T, *feature_shape)``, ``scores``, ``objectives``, ``steps``, ``converged``.

    Raises
    ------
    FIMDivergenceError
        If a run produces a non-finite objective or gradient, or ``|H| > max_abs``.
    """
    chosen = replace(settings or FimSettings(), **overrides)
    params, n_runs, seed = _tensorflow_params(chosen), chosen.n_runs, chosen.seed
    split = _split(model, layer)
    class_indices = _class_indices(classes, split.n_classes)
    n_rows = len(class_indices) * n_runs
    log.info(
        "FIMs at layer %s, feature map %s: %d classes x %d runs in one batch, %s",
        split.layer_name,
        split.feature_shape,
        len(class_indices),
        n_runs,
        params,
    )
    class_of_row = np.repeat(class_indices, n_runs)
    found = ascend(
        _single_model_scores(split.upper, class_of_row),
        starts(seed, n_rows, split.feature_shape, first_row=first_class * n_runs),
        params,
        lambda row: f"class {int(class_indices[row // n_runs])}, run {row % n_runs}",
    )
    return _result(found, slice(None), split, class_indices, params)


def feature_importance_maps_many(
    models: Sequence[keras.Model | SplitModel],
    layer: str | None = None,
    *,
    names: Sequence[str] | None = None,
    classes=None,
    settings: FimSettings | None = None,
    **overrides,
) -> list[FIMResult]:
    """:func:`feature_importance_maps` of many models, those of one architecture in one batch.

    Models whose upper networks have the same :func:`architecture_signature` (e.g. the 422
    published TF models) are optimised together: ``M`` models x ``C`` classes x ``T`` runs rows
    in one compiled loop, each model's weights applied to its own rows. Every model's starts are
    drawn from ``seed`` exactly as :func:`feature_importance_maps` draws them, and every row
    follows the same stopping rule, so each result equals that of
    :func:`feature_importance_maps` on the model alone up to float32 rounding (batched instead
    of single matrix products).

    Parameters
    ----------
    models : sequence of keras.Model or SplitModel
        ``M`` models, all with the same number of outputs when ``classes`` is ``None``.
    names : sequence of str, optional
        A name per model for log lines and errors (default: the model names).
    Other parameters: as :func:`feature_importance_maps` (the same :class:`FimSettings`).

    Returns
    -------
    list of FIMResult
        One per model, in input order.

    Raises
    ------
    FIMDivergenceError
        Naming the model, class and run of the first diverging row.
    """
    chosen = replace(settings or FimSettings(), **overrides)
    params, n_runs, seed = _tensorflow_params(chosen), chosen.n_runs, chosen.seed
    splits = [_split(model, layer) for model in models]
    names = list(names) if names is not None else [s.upper.name for s in splits]
    if len(names) != len(splits):
        raise ValueError(f"names: expected {len(splits)} names, got {len(names)}")
    groups: dict[str, list[int]] = {}
    for index, split in enumerate(splits):
        groups.setdefault(architecture_signature(split.upper), []).append(index)
    log.info(
        "FIMs of %d models (%d architecture group(s)) x %d runs, %s",
        len(splits),
        len(groups),
        n_runs,
        params,
    )
    results: list[FIMResult | None] = [None] * len(splits)
    for members in groups.values():
        first = splits[members[0]]
        class_indices = _class_indices(classes, first.n_classes)
        per_model = len(class_indices) * n_runs
        model_starts = starts(seed, per_model, first.feature_shape)
        class_of_row = np.repeat(class_indices, n_runs)

        def describe(row, members=members, class_indices=class_indices, per_model=per_model):
            model, rest = divmod(row, per_model)
            return (
                f"model {names[members[model]]}, class {int(class_indices[rest // n_runs])}, "
                f"run {rest % n_runs}"
            )

        uppers = [splits[i].upper for i in members]
        found = ascend(
            _stacked_model_scores(uppers, class_of_row)
            if len(uppers) > 1
            else _single_model_scores(uppers[0], class_of_row),
            np.concatenate([model_starts] * len(members)),
            params,
            describe,
            group_size=per_model,
        )
        for position, index in enumerate(members):
            rows = slice(position * per_model, (position + 1) * per_model)
            results[index] = _result(found, rows, splits[index], class_indices, params)
    return results
