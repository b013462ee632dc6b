"""Device set-up: on a machine without a visible GPU the job says it runs on the CPU."""

import logging

import tensorflow as tf

from deepresolve.device import configure_tensorflow


def test_configure_tensorflow_reports_device(caplog):
    with caplog.at_level(logging.INFO, logger="deepresolve.device"):
        names = configure_tensorflow()
    assert names == [g.name for g in tf.config.list_physical_devices("GPU")]
    expected = "running on the CPU" if not names else "memory growth on"
    assert expected in caplog.text
