"""TensorFlow device set-up for one workflow job: use the GPU(s) the job was given, or the CPU.

On a cluster, SLURM (``--gpus``/``--gres``) sets ``CUDA_VISIBLE_DEVICES`` for the job, so the
GPUs TensorFlow sees are the job's own. :func:`configure_tensorflow` turns on memory growth so
that a job does not reserve the whole memory of a shared GPU, and logs which device runs the job
(with a line saying so when it falls back to the CPU).
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)


def configure_tensorflow() -> list[str]:
    """Enable GPU memory growth on every visible GPU; return the visible GPU names ([] = CPU)."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError as error:  # already initialised: keep going, say so
            log.warning("could not enable memory growth on %s: %s", gpu.name, error)
    if gpus:
        log.info(
            "TensorFlow uses %d GPU(s) %s (CUDA_VISIBLE_DEVICES=%s), memory growth on",
            len(gpus),
            [g.name for g in gpus],
            os.environ.get("CUDA_VISIBLE_DEVICES", "<unset>"),
        )
    else:
        # CUDA_VISIBLE_DEVICES set here means the scheduler gave the job a GPU that this
        # TensorFlow build cannot use (e.g. tensorflow-cpu): the line makes that visible.
        log.info(
            "no GPU visible to TensorFlow (CUDA_VISIBLE_DEVICES=%s): running on the CPU",
            os.environ.get("CUDA_VISIBLE_DEVICES", "<unset>"),
        )
    return [g.name for g in gpus]
