"""TensorFlow device set-up for one workflow job: use the GPU(s) the job was given, or the CPU.

On a cluster, SLURM (``--gpus``/``--gres``) sets ``CUDA_VISIBLE_DEVICES`` for the job, so the
GPUs TensorFlow sees are the job's own. :func:`configure_tensorflow` turns on memory growth so
that a job does not reserve the whole memory of a shared GPU, sets TensorFlow's CPU thread
pools to the job's threads, and logs which device runs the job (with a line saying so when it
falls back to the CPU) and how many threads it uses. Every workflow script that loads TensorFlow
calls it first, with ``snakemake.threads`` (tests/test_device.py checks that).
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)


def configure_tensorflow(threads: int) -> list[str]:
    """Use ``threads`` CPU threads; enable GPU memory growth on every visible GPU; return the
    visible GPU names ([] = CPU).

    Parameters
    ----------
    threads : int
        The job's threads (``snakemake.threads``: the rule's ``threads``, capped at
        ``--cores``). TensorFlow's intra-op pool (threads inside one op) and inter-op pool (ops
        run side by side) get this many each; left alone, both take every core the machine
        has, which on a shared cluster node is far more than the job was given.
    """
    import tensorflow as tf

    if int(threads) < 1:
        raise ValueError(f"threads must be at least 1, got {threads!r}")
    try:
        tf.config.threading.set_intra_op_parallelism_threads(int(threads))
        tf.config.threading.set_inter_op_parallelism_threads(int(threads))
        log.info(
            "TensorFlow threads: %d intra-op, %d inter-op (the job's threads)", threads, threads
        )
    except RuntimeError as error:  # TensorFlow already ran an op: say so, keep going
        log.warning("could not set TensorFlow's threads to %d: %s", threads, error)

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
