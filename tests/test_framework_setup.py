"""The deep-learning framework: installed from the lock, configured by mlkit.setup() before it is imported."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mlkit.course import notebook_setup


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("KERAS_BACKEND", "XLA_FLAGS", "JAX_PLATFORMS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_setup_chooses_the_jax_backend_on_the_cpu_and_one_xla_thread(clean_env):
    notebook_setup.configure_framework()
    assert os.environ["KERAS_BACKEND"] == "jax" and os.environ["JAX_PLATFORMS"] == "cpu"
    assert os.environ["XLA_FLAGS"].split() == list(notebook_setup.XLA_ONE_THREAD)


def test_a_learners_own_choices_are_kept_and_flags_are_not_repeated(clean_env):
    clean_env.setenv("KERAS_BACKEND", "torch")
    clean_env.setenv("XLA_FLAGS", "--xla_cpu_max_isa=SSE4_2 --xla_cpu_multi_thread_eigen=true")
    notebook_setup.configure_framework()
    notebook_setup.configure_framework()
    assert os.environ["KERAS_BACKEND"] == "torch"
    assert os.environ["XLA_FLAGS"].split() == [
        "--xla_cpu_max_isa=SSE4_2", "--xla_cpu_multi_thread_eigen=true", "intra_op_parallelism_threads=1"]


def test_keras_trains_on_jax_deterministically_after_setup():
    """Two fresh processes give the same weights to the last bit: seeds and one thread make the run repeatable."""
    code = (
        "import mlkit; mlkit.setup(plots=False)\n"
        "import keras, numpy as np\n"
        "assert keras.backend.backend() == 'jax', keras.backend.backend()\n"
        "keras.utils.set_random_seed(0)\n"
        "rng = np.random.default_rng(0); X = rng.normal(size=(64, 3)).astype('float32'); y = X @ np.array([1., -2., .5], 'float32')\n"
        "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation='relu'), keras.layers.Dense(1)])\n"
        "m.compile(optimizer=keras.optimizers.Adam(0.01), loss='mse')\n"
        "m.fit(X, y, epochs=3, batch_size=16, verbose=0, shuffle=True)\n"
        "print(np.concatenate([w.ravel() for w in m.get_weights()]).tobytes().hex())\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND", "XLA_FLAGS")}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr[-2000:]
    assert runs[0].stdout == runs[1].stdout and len(runs[0].stdout) > 100


def test_import_mlkit_does_not_import_the_framework():
    code = "import sys, mlkit, mlkit.cli; print(sorted(m for m in ('jax', 'keras', 'jaxlib') if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "[]", run.stdout + run.stderr
