"""The kernels also run with numba's JIT disabled (NUMBA_DISABLE_JIT=1: plain Python on numpy scalars),
and give the same random bits and the same results up to float rounding."""
import os
import pathlib
import subprocess
import sys

import numba
import numpy as np
import pytest

from ascend_sim import kernels
from testsupport import kernel_twins as twin

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]

pytestmark = pytest.mark.skipif(numba.config.DISABLE_JIT, reason="compares against the jitted kernels")


def _env():
    env = dict(os.environ, NUMBA_DISABLE_JIT="1", PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def test_kernel_tests_pass_with_the_jit_disabled():
    files = [str(HERE / name) for name in ("test_math.py", "test_gelu.py", "test_dropout.py")]
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files], cwd=str(ROOT),
                          env=_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-3000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout


INTERPRETED = """
import numpy as np, sys
from ascend_sim import kernels
x = np.linspace(-12.0, 12.0, 1001)
out = {}
for name in ("float16", "float32", "float64"):
    xd = x.astype(name)
    y, mask = kernels.dropout(xd, 0.37, seed=5, seed2=-6)
    out["gelu_" + name] = kernels.gelu(xd)
    out["grad_" + name] = kernels.gelu_grad(np.ones_like(xd), xd)
    out["fast_" + name] = kernels.fast_gelu(xd)
    out["drop_" + name], out["mask_" + name] = y, mask
np.savez(sys.argv[1], **out)
"""


def test_interpreted_kernels_give_the_jitted_bits(tmp_path):
    path = tmp_path / "interpreted.npz"
    proc = subprocess.run([sys.executable, "-c", INTERPRETED, str(path)], cwd=str(tmp_path), env=_env(),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = np.load(path)
    x = np.linspace(-12.0, 12.0, 1001)
    for name in ("float16", "float32", "float64"):
        xd = x.astype(name)
        y, mask = kernels.dropout(xd, 0.37, seed=5, seed2=-6)
        assert np.array_equal(got["mask_" + name], mask)  # identical random bits
        assert np.array_equal(got["drop_" + name].view(f"u{xd.itemsize}"), y.view(f"u{xd.itemsize}"))
        twin.assert_within(got["gelu_" + name], twin.gelu(xd), xd, "gelu", xd.dtype, where="interpreted gelu")
        twin.assert_within(got["fast_" + name], twin.fast_gelu(xd), xd, "gelu", xd.dtype, fast=True,
                           where="interpreted fast_gelu")
        twin.assert_within(got["grad_" + name], twin.gelu_grad(1.0, xd), xd, "grad", xd.dtype, dy=np.ones_like(xd),
                           where="interpreted gelu_grad")
