"""Device formats: padded storage shapes per the reference's definitions (§2.1), C0 per dtype, layouts."""
import math

import pytest
from hypothesis import given, strategies as st

from ascend_sim import hw
from ascend_sim.ops import formats

HW = hw.load()
dim = st.integers(1, 300)


def ceil(a, b):
    return -(-a // b)


@given(n=dim, c=dim, h=dim, w=dim)
def test_5hd_pads_channels_to_c0_from_either_layout(n, c, h, w):
    expected = (n, ceil(c, 16), h, w, 16)
    assert formats.storage_shape((n, h, w, c), "float16", "NC1HWC0", "NHWC", HW) == expected
    assert formats.storage_shape((n, c, h, w), "float32", "NC1HWC0", "NCHW", HW) == expected
    assert formats.storage_shape((n, h, w, c), "int8", "NC1HWC0", "NHWC", HW)[-1] == 32   # C0 = 32 for int8
    assert formats.storage_shape((n, h, w, c), "float16", "NC1HWC0_C04", "NHWC", HW) == (n, ceil(c, 4), h, w, 4)


@given(lead=st.lists(st.integers(1, 8), max_size=2), m=dim, n=dim)
def test_fractal_nz_blocks_the_last_two_dims(lead, m, n):
    shape = (*lead, m, n)
    nz = formats.storage_shape(shape, "float16", "FRACTAL_NZ", "ND", HW)
    assert nz == (*lead, ceil(n, 16), ceil(m, 16), 16, 16)
    assert math.prod(nz) >= math.prod(shape)


def test_fractal_z_for_conv_and_2d_weights():
    # HWCN weight 3x3, Cin 3, Cout 64: [C1*H*W, ceil(N/16), 16, C0]
    assert formats.storage_shape((3, 3, 3, 64), "float16", "FRACTAL_Z", "HWCN", HW) == (9, 4, 16, 16)
    assert formats.storage_shape((3, 3, 3, 64), "float16", "FRACTAL_Z", "ND", HW) == (9, 4, 16, 16)   # TF default
    assert formats.storage_shape((40, 70), "float16", "FRACTAL_Z", "ND", HW) == (3, 5, 16, 16)
    assert formats.storage_shape((2, 3, 3, 8, 32), "float16", "FRACTAL_Z_3D", "DHWCN", HW) == (18, 2, 16, 16)


def test_per_channel_vectors_and_plain_layouts():
    assert formats.storage_shape((64,), "float32", "NC1HWC0", "ND", HW) == (1, 4, 1, 1, 16)
    assert formats.storage_shape((5, 7), "float16", "ND", "ND", HW) == (5, 7)
    assert formats.c0_elems("int8", HW) == 32 and formats.c0_elems("float64", HW) == HW.formats.fractal_elems


def test_impossible_combinations_name_the_format_and_shape():
    with pytest.raises(formats.FormatError, match=r"NDC1HWC0 needs a 5-D origin shape.*\[2, 3, 4, 5\]"):
        formats.storage_shape((2, 3, 4, 5), "float16", "NDC1HWC0", "NHWC", HW)
    with pytest.raises(formats.FormatError, match="FRACTAL_ZN_LSTM holds 2-D weights"):
        formats.storage_shape((2, 3, 4), "float16", "FRACTAL_ZN_LSTM", "ND", HW)
    with pytest.raises(formats.FormatError, match="unknown origin format 'XYZ'"):
        formats.axes((1, 2, 3), "XYZ")
