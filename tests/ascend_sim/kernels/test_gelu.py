"""ascend_sim.kernels GeLU family vs the float64 twins (bounds in testsupport/kernel_twins.py):
dense grids, special values, hypothesis over shapes/dtypes/layouts/edge values, out= and errors."""
import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ascend_sim import kernels
from testsupport import kernel_twins as twin

JIT = not numba.config.DISABLE_JIT
DTYPES = [np.float16, np.float32, np.float64]
N_GRID = 200_001 if JIT else 1201


def _grid(dtype):
    dense = np.linspace(-60.0, 60.0, N_GRID)
    logs = np.geomspace(1e-38, 1e4, N_GRID // 2)
    x = np.concatenate([dense, logs, -logs]).astype(dtype)
    return x[np.isfinite(x)]


def _dy(x):
    return np.random.RandomState(1).uniform(-3.0, 3.0, x.shape).astype(x.dtype)


# (name, kernel call, twin, bound kind, fast)
OPS = [
    ("gelu", lambda dy, x: kernels.gelu(x), lambda dy, x: twin.gelu(x), "gelu", False),
    ("fast_gelu", lambda dy, x: kernels.fast_gelu(x), lambda dy, x: twin.fast_gelu(x), "gelu", True),
    ("gelu_grad", lambda dy, x: kernels.gelu_grad(dy, x, kernels.gelu(x)), twin.gelu_grad, "grad", False),
    ("fast_gelu_grad", kernels.fast_gelu_grad, twin.fast_gelu_grad, "grad", True),
]
OP_IDS = [o[0] for o in OPS]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS, ids=OP_IDS)
def test_matches_float64_twin_on_dense_and_log_grids(op, dtype):
    name, call, ref, kind, fast = op
    x = _grid(dtype)
    dy = _dy(x)
    got = call(dy, x)
    assert got.dtype == dtype and got.shape == x.shape
    twin.assert_within(got, ref(dy, x), x, kind, dtype, fast=fast, dy=dy if kind == "grad" else None, where=name)


SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45, 1e-30, -1e-30, 3e38, -3e38, 1e13, -1e13, 65504.0,
           -65504.0, 6e-8, -6e-8, 9.5, -9.5, -87.0 / 1.702, -88.0 / 1.702]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS, ids=OP_IDS)
def test_special_values_follow_the_reference_formula(op, dtype):
    name, call, ref, kind, fast = op
    with np.errstate(over="ignore"):
        x = np.array(SPECIAL, dtype=dtype)
    dy = np.full_like(x, 1.5)
    got = call(dy, x)
    twin.assert_within(got, ref(dy, x), x, kind, dtype, fast=fast, dy=dy if kind == "grad" else None, where=name)


def test_infinities_give_the_tanh_formulas_values():
    x = np.array([np.inf, -np.inf, np.nan], np.float32)
    # 0.5·x·(1 + tanh(u)): inf·1 = inf, −inf·0 = nan; the derivative has x·(1 − tanh²) = inf·0 = nan
    assert np.array_equal(kernels.gelu(x), [np.inf, np.nan, np.nan], equal_nan=True)
    assert np.isnan(kernels.gelu_grad(np.ones(3, np.float32), x)).all()
    assert np.array_equal(kernels.fast_gelu(x), [np.inf, np.nan, np.nan], equal_nan=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gelu_of_huge_negative_is_negative_zero_and_of_huge_positive_is_x(dtype):
    big = np.finfo(dtype).max / 2
    got = kernels.gelu(np.array([-big, big], dtype))
    assert got[0] == 0 and np.signbit(got[0]) and got[1] == big


# ------------------------------------------------------------------------------------------ hypothesis
def _elements(dtype):
    width = np.dtype(dtype).itemsize * 8
    bound = 1e100 if dtype == np.float64 else None  # the float64 twin's x³·x² overflows beyond
    if bound is None:
        return st.floats(width=width, allow_nan=True, allow_infinity=True)
    return st.one_of(st.floats(-bound, bound, width=64), st.sampled_from([np.nan, np.inf, -np.inf]))


@st.composite
def _layout_arrays(draw):
    """(x, dy): x of any dtype/shape (empty included) in C order, transposed, reversed, strided or broadcast."""
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6))
    layout = draw(st.sampled_from(["c", "transposed", "reversed", "strided", "broadcast"]))
    if layout == "strided":
        base = draw(hnp.arrays(dtype, (2 * shape[0] + 1,) + shape[1:] if shape else (3,), elements=_elements(dtype)))
        x = base[::2] if shape else base[1]
    elif layout == "broadcast" and shape:
        row = draw(hnp.arrays(dtype, shape[-1:], elements=_elements(dtype)))
        x = np.broadcast_to(row, shape)
    else:
        x = draw(hnp.arrays(dtype, shape, elements=_elements(dtype)))
        x = x.T if layout == "transposed" else (x[::-1] if layout == "reversed" and shape else x)
    dy = draw(hnp.arrays(dtype, x.shape, elements=st.floats(-1e3, 1e3, width=np.dtype(dtype).itemsize * 8)))
    return x, dy


PROPERTY = settings(max_examples=60 if JIT else 8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(_layout_arrays(), st.sampled_from(OPS))
def test_any_shape_dtype_layout_and_value_matches_the_twin(arrays, op):
    x, dy = arrays
    name, call, ref, kind, fast = op
    got = call(dy, x)
    assert got.shape == x.shape and got.dtype == x.dtype and got.flags.c_contiguous
    want = ref(np.ascontiguousarray(dy), np.ascontiguousarray(x))
    twin.assert_within(got, want, x, kind, x.dtype, fast=fast, dy=dy if kind == "grad" else None, where=name)


# ------------------------------------------------------------------------------------------ out=, aliasing, shapes
def test_out_is_written_and_returned():
    x = np.linspace(-3, 3, 1001).astype(np.float32)
    out = np.empty_like(x)
    assert kernels.gelu(x, out=out) is out
    twin.assert_within(out, twin.gelu(x), x, "gelu", np.float32)


def test_strided_and_non_contiguous_out():
    x = np.linspace(-3, 3, 60).astype(np.float32).reshape(6, 10)
    holder = np.zeros((6, 20), np.float32)
    out = holder[:, ::2]
    assert kernels.gelu(x, out=out) is out
    twin.assert_within(out, twin.gelu(x), x, "gelu", np.float32)
    assert (holder[:, 1::2] == 0).all()
    flat = np.zeros(120, np.float32)
    assert kernels.gelu(x.reshape(-1), out=flat[::2]).base is flat
    twin.assert_within(flat[::2], twin.gelu(x.reshape(-1)), x, "gelu", np.float32)


def test_in_place_and_partially_overlapping_out():
    x = np.linspace(-3, 3, 101).astype(np.float32)
    want = twin.gelu(x)
    y = x.copy()
    kernels.gelu(y, out=y)
    twin.assert_within(y, want, x, "gelu", np.float32)
    buf = x.copy()
    kernels.gelu(buf[:-1], out=buf[1:])  # reads what it writes, shifted by one element
    twin.assert_within(buf[1:], want[:-1], x[:-1], "gelu", np.float32)


@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 4, 2)])
def test_empty_arrays(shape):
    for dtype in DTYPES:
        x = np.zeros(shape, dtype)
        assert kernels.gelu(x).shape == shape and kernels.gelu(x).dtype == dtype
        assert kernels.gelu_grad(x, x).shape == shape
        assert kernels.fast_gelu_grad(x, x, out=np.empty(shape, dtype)).shape == shape


def test_scalars_and_lists():
    assert kernels.gelu(np.float32(1.0)).shape == ()
    assert abs(float(kernels.gelu(np.float32(1.0))) - float(twin.gelu(1.0))) < 2e-7
    y = kernels.gelu([0.0, 1.0, -1.0])  # a list becomes float64
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, twin.gelu([0.0, 1.0, -1.0]), rtol=1e-15, atol=1e-300)


@pytest.mark.skipif(not JIT, reason="thread count only matters when jitted")
def test_result_does_not_depend_on_the_thread_count():
    x = np.random.RandomState(0).randn(100_003).astype(np.float32)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = kernels.gelu(x).copy()
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(one, kernels.gelu(x))


# ------------------------------------------------------------------------------------------ errors
@pytest.mark.parametrize("bad", [np.arange(4), np.ones(3, np.complex64), np.array(["a"])])
def test_non_float_input_names_x_and_the_legal_dtypes(bad):
    with pytest.raises(TypeError, match=r"gelu: x must have dtype float16, float32, float64; got"):
        kernels.gelu(bad)


def test_gradient_shape_and_dtype_mismatches_name_the_argument():
    x = np.ones(4, np.float32)
    with pytest.raises(ValueError, match=r"gelu_grad: dy must have the shape of x \(4,\); got \(5,\)"):
        kernels.gelu_grad(np.ones(5, np.float32), x)
    with pytest.raises(TypeError, match=r"gelu_grad: dy must have the dtype of x \(float32\); got float64"):
        kernels.gelu_grad(np.ones(4), x)
    with pytest.raises(ValueError, match=r"gelu_grad: y must have the shape of x"):
        kernels.gelu_grad(x, x, np.ones(3, np.float32))
    with pytest.raises(ValueError, match=r"fast_gelu_grad: dy must have the shape of x"):
        kernels.fast_gelu_grad(np.ones((2, 2), np.float32), x)


def test_bad_out_is_refused():
    x = np.ones(4, np.float32)
    with pytest.raises(ValueError, match=r"gelu: out must have shape \(4,\) and dtype float32; got shape \(3,\)"):
        kernels.gelu(x, out=np.empty(3, np.float32))
    with pytest.raises(ValueError, match="out must have shape"):
        kernels.gelu(x, out=np.empty(4, np.float64))
    with pytest.raises(TypeError, match="out must be a numpy.ndarray or None"):
        kernels.gelu(x, out=[0.0] * 4)
    ro = np.empty(4, np.float32)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="out must be writeable"):
        kernels.gelu(x, out=ro)
