"""deepresolve.models.training's input pipeline: Keras's numbers without TensorFlow's E0000 line."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = """
import sys
import numpy as np, keras, tensorflow as tf
from deepresolve.models.cnn import build_cnn
from deepresolve.models.training import predict, seed_everything, shuffled_batches

rng = np.random.default_rng(0)
x = rng.random((300, 31, 4)).astype("float32")
y = rng.integers(0, 2, (300, 1)).astype("float32")
weights = []
for ours in (False, True):
    seed_everything(3)
    model = build_cnn(31, 1, conv_filters=4, conv_width=5, global_pooling=True,
                      dense_units=[8], dropout=0.5)
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
    print("START", "ours" if ours else "keras", file=sys.stderr, flush=True)
    if ours:
        model.fit(shuffled_batches(x, y, 64), epochs=3, verbose=0)
        predict(model, x)
    else:
        model.fit(x, y, batch_size=64, epochs=3, shuffle=True, verbose=0)
    weights.append(np.concatenate([w.ravel() for w in model.get_weights()]))
print("SAME", bool(np.array_equal(weights[0], weights[1])), flush=True)
"""


def test_training_batches_match_keras_without_the_e0000_line():
    """Three epochs through :func:`shuffled_batches` give bit-identical weights to Keras's own
    array pipeline (a new permutation each epoch, same seeds), and TensorFlow logs no
    ``use_unbounded_threadpool`` error for them, while Keras's pipeline still triggers it
    (so the test would notice a TensorFlow that fixed the rewrite)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "0"}  # TensorFlow's errors must show
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "SAME True" in done.stdout
    keras_part, ours = done.stderr.split("START ours")  # TensorFlow's C++ log is on stderr
    assert "use_unbounded_threadpool" not in ours
    # the check can see the line: Keras's pipeline still triggers TensorFlow's rewrite bug (if a
    # TensorFlow release fixes it, shuffled_batches may go back to Keras's arrays)
    assert "use_unbounded_threadpool" in keras_part
