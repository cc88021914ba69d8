"""Device data formats: names, layouts of origin shapes, and the padded storage shape of a tensor.

A tensor's *origin* shape is what TensorFlow sees, in a layout (``ND``, ``NHWC``, ``NCHW``, ``HWCN``,
``NDHWC``, ``NCDHW``, ``DHWCN``); its *format* is how the device stores it. The blocked formats pad:

- ``NC1HWC0`` (5HD): ``[N, ceil(C/C0), H, W, C0]``, the last C1 block zero-padded to C0 (a 1-D origin shape
  is a per-channel vector: ``[1, C1, 1, 1, C0]``); ``NC1HWC0_C04`` the
  same with C0 = 4 (the small-channel path); ``NDC1HWC0`` its 3-D form ``[N, D, C1, H, W, C0]``.
- ``FRACTAL_Z`` (conv weights): ``[C1·H·W, ceil(N/16), 16, C0]`` for a 4-D weight (N = Cout, C = Cin), and
  ``[ceil(d0/C0), ceil(d1/16), 16, C0]`` for a 2-D one; ``FRACTAL_Z_3D`` adds D to the first dimension;
  ``FRACTAL_ZN_LSTM`` / ``FRACTAL_ZN_RNN`` (LSTM/GRU weights) are stored like a 2-D FRACTAL_Z.
- ``FRACTAL_NZ`` (matrices): ``[..., ceil(N/C0), ceil(M/16), 16, C0]`` for ``[..., M, N]``.
- ``C1HWNCoC0``: ``[C1, H, W, N, C0, C0]`` (depthwise weights).

C0 is per dtype (16 for fp16/fp32/int32, 32 for int8, from the preset's ``formats.c0_elems``; dtypes it does
not list take the fractal edge, as "most others" do), the fractal edge is ``formats.fractal_elems``.
Source: shared/reference/ascend910.md §2.1 (MS-METADEF transfer_shape_utils.cc, aclFormat docs).
"""
from __future__ import annotations

import math

from ascend_sim.hw.spec import HardwareSpec
from ascend_sim.ops.cost.blocks import ceil_div

# Axis letters of each origin layout (ND has none: any rank, no named axes).
LAYOUTS = {
    "ND": "", "NHWC": "NHWC", "NCHW": "NCHW", "HWCN": "HWCN", "NDHWC": "NDHWC", "NCDHW": "NCDHW",
    "DHWCN": "DHWCN",
}
BLOCKED_FORMATS = ("NC1HWC0", "NC1HWC0_C04", "NDC1HWC0", "FRACTAL_Z", "FRACTAL_Z_3D", "FRACTAL_NZ",
                   "FRACTAL_ZN_LSTM", "FRACTAL_ZN_RNN", "C1HWNCoC0")
FORMATS = tuple(LAYOUTS) + BLOCKED_FORMATS
C04_ELEMS = 4            # C0 of NC1HWC0_C04 (aclFormat documentation: the small-channel 5HD variant)
# Layout assumed for an ``ND`` origin shape a blocked format needs axes from: TensorFlow's defaults.
DEFAULT_ACTIVATION_LAYOUT = {4: "NHWC", 5: "NDHWC"}
DEFAULT_WEIGHT_LAYOUT = {4: "HWCN", 5: "DHWCN"}
WEIGHT_FORMATS = ("FRACTAL_Z", "FRACTAL_Z_3D", "C1HWNCoC0")


class FormatError(ValueError):
    """A format that cannot hold a tensor of this rank or layout."""


def c0_elems(dtype: str, hw: HardwareSpec) -> int:
    """C0 of blocked formats for ``dtype`` (the fractal edge where the preset lists no value)."""
    return hw.formats.c0_elems.get(dtype, hw.formats.fractal_elems)


def layout_of(shape: tuple, origin_format: str, fmt: str = "ND", weight: bool | None = None) -> str:
    """Axis letters of ``shape``: its origin layout, or TF's default layout when the origin is ND
    (a weight layout when ``weight`` says so or, left None, when ``fmt`` is a weight format)."""
    letters = LAYOUTS.get(origin_format)
    if letters is None:
        raise FormatError(f"unknown origin format {origin_format!r}; known: {', '.join(LAYOUTS)}")
    if letters:
        return letters
    if weight is None:
        weight = fmt in WEIGHT_FORMATS
    return (DEFAULT_WEIGHT_LAYOUT if weight else DEFAULT_ACTIVATION_LAYOUT).get(len(shape), "")


def axes(shape: tuple, origin_format: str, fmt: str = "ND", weight: bool | None = None) -> dict[str, int]:
    """Axis letter → size, e.g. {"N": 8, "H": 56, "W": 56, "C": 64} for an NHWC shape."""
    letters = layout_of(shape, origin_format, fmt, weight)
    if len(letters) != len(shape):
        raise FormatError(f"shape {list(shape)} has rank {len(shape)}; layout {origin_format!r} needs "
                          f"{len(letters) or 'named'} axes")
    return dict(zip(letters, shape))


def _fractal_z_2d(d0: int, d1: int, c0: int, edge: int) -> tuple:
    return (ceil_div(d0, c0), ceil_div(d1, edge), edge, c0)


def storage_shape(shape: tuple, dtype: str, fmt: str, origin_format: str, hw: HardwareSpec) -> tuple:
    """The padded shape a tensor of origin ``shape`` occupies on the device in format ``fmt``."""
    if fmt in LAYOUTS:
        return tuple(shape)
    c0, edge = c0_elems(dtype, hw), hw.formats.fractal_elems
    if fmt == "FRACTAL_NZ":
        if len(shape) < 2:
            shape = (1,) * (2 - len(shape)) + tuple(shape)
        *lead, m, n = shape
        return (*lead, ceil_div(n, c0), ceil_div(m, edge), edge, c0)
    if fmt in ("FRACTAL_ZN_LSTM", "FRACTAL_ZN_RNN") or (fmt == "FRACTAL_Z" and len(shape) == 2):
        if len(shape) != 2:
            raise FormatError(f"{fmt} holds 2-D weights; got shape {list(shape)}")
        return _fractal_z_2d(shape[0], shape[1], c0, edge)
    if len(shape) == 1 and fmt in ("NC1HWC0", "NDC1HWC0"):     # a per-channel vector (BN sums, scale, ...)
        shape, origin_format = ((1, shape[0], 1, 1), "NCHW") if fmt == "NC1HWC0" else ((1, shape[0], 1, 1, 1), "NCDHW")
    need = {"NC1HWC0": "NCHW", "NC1HWC0_C04": "NCHW", "FRACTAL_Z": "NCHW", "C1HWNCoC0": "NCHW",
            "NDC1HWC0": "NCDHW", "FRACTAL_Z_3D": "NCDHW"}[fmt]
    letters = layout_of(shape, origin_format, fmt)
    if set(letters) != set(need) or len(letters) != len(shape):
        raise FormatError(f"{fmt} needs a {len(need)}-D origin shape with axes {need}; got {list(shape)} "
                          f"as {origin_format!r}")
    a = dict(zip(letters, shape))
    n, c, h, w = a["N"], a["C"], a["H"], a["W"]
    if fmt == "NC1HWC0":
        return (n, ceil_div(c, c0), h, w, c0)
    if fmt == "NC1HWC0_C04":
        return (n, ceil_div(c, C04_ELEMS), h, w, C04_ELEMS)
    if fmt == "NDC1HWC0":
        return (n, a["D"], ceil_div(c, c0), h, w, c0)
    if fmt == "FRACTAL_Z":
        return (ceil_div(c, c0) * h * w, ceil_div(n, edge), edge, c0)
    if fmt == "FRACTAL_Z_3D":
        return (a["D"] * ceil_div(c, c0) * h * w, ceil_div(n, edge), edge, c0)
    return (ceil_div(c, c0), h, w, n, c0, c0)     # C1HWNCoC0


def storage_elems(shape: tuple, dtype: str, fmt: str, origin_format: str, hw: HardwareSpec) -> int:
    return math.prod(storage_shape(shape, dtype, fmt, origin_format, hw))
