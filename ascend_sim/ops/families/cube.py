"""Cube ops: matrix multiplies, convolutions (2-D, 3-D, grouped, depthwise) with their gradients, and the
named conv+BN graph fusions. All reduce to ``cost.matmul_cost`` (fractal padding, block split, L0/L1 tiling).

Convolutions are img2col matmuls, as TBE runs them: forward M = N·pad16(Ho·Wo) (each image's output rows
padded to the fractal), K = kh·kw·pad(Cin, C0) (channels padded to C0 at every kernel position), N = Cout;
the input-gradient swaps the roles of Cin and Cout over the input rows; the filter-gradient is
(kh·kw·Cin) × (N·Ho·Wo) · (N·Ho·Wo) × Cout. The expanded operand is built from L1 (load3d), so only the
feature map itself comes from HBM (``a_hbm_ratio``). Groups run as a batch of matmuls. Depthwise convs run
channel groups of C0 with a diagonal C0 × C0 weight block per kernel position (the cube does C0× the useful
MACs). An ``NC1HWC0_C04`` input takes the small-channel path: K = pad16(kh·kw·4).
"""
from __future__ import annotations

import dataclasses
import functools
import math

from ascend_sim.hw.spec import FLOPS_PER_MAC, HardwareSpec
from ascend_sim.ops.cost.blocks import pad_to
from ascend_sim.ops.cost.cube import matmul_cost
from ascend_sim.ops.cost.record import Cost, CostError
from ascend_sim.ops.desc import DescError, OpInstance, TensorDesc
from ascend_sim.ops.families._common import BITS_PER_BYTE, add_work, per_core_vector, storage_bytes
from ascend_sim.ops.families.elementwise import RELU_V2
from ascend_sim.ops.families.reduction import BN_REDUCE, BN_REDUCE_GRAD, BN_UPDATE
from ascend_sim.ops.formats import C04_ELEMS, WEIGHT_FORMATS, axes, c0_elems
from ascend_sim.ops.opspec import specs

FAMILY = "cube"
CUBE_DTYPES = ("float16", "int8")
MATMUL_FORMATS = ("ND", "FRACTAL_NZ")
CONV_FORMATS = ("NC1HWC0", "NC1HWC0_C04", "FRACTAL_Z", "C1HWNCoC0", "NHWC", "NCHW", "HWCN")
CONV3D_FORMATS = ("NDC1HWC0", "FRACTAL_Z_3D", "NDHWC", "NCDHW", "DHWCN")
SPATIAL = "DHW"


def _flag(node: OpInstance, *names: str) -> bool:
    return bool(node.attr(*names, default=False))


def _pad(dtype: str, hw: HardwareSpec) -> tuple[int, int, int]:
    mkn = hw.core.cube.mkn_elems.get(dtype)
    if mkn is None:
        raise CostError(f"the cube takes no {dtype!r} inputs; supported: {', '.join(hw.core.cube.mkn_elems)}")
    return mkn


def matmul(node: OpInstance, hw: HardwareSpec) -> Cost:
    """(Batch)MatMul: M, N from the output, K from x1 (``transpose_x1``/``transpose_a``/``adj_x1``); an
    operand without batch dimensions is shared by the batch (one bigger matmul); a bias is an epilogue."""
    a, y = node.inputs[0], node.outputs[0]
    if len(y.shape) < 2 or len(a.shape) < 2 or len(node.inputs) < 2:
        raise DescError(f"{node.op_type}: needs two operands of rank >= 2 and an output of rank >= 2")
    b = node.inputs[1]
    m, n = y.shape[-2], y.shape[-1]
    k = a.shape[-2] if _flag(node, "transpose_x1", "transpose_a", "adj_x1", "adj_x") else a.shape[-1]
    batch = math.prod(y.shape[:-2])
    fm, _, fn = _pad(a.dtype, hw)
    a_batched, b_batched = math.prod(a.shape[:-2]) > 1, math.prod(b.shape[:-2]) > 1
    mm, nn, bb = m, n, batch
    if batch > 1 and not b_batched:
        mm, bb = batch * pad_to(m, fm), 1           # B shared: stack the batch along M
    elif batch > 1 and not a_batched:
        nn, bb = batch * pad_to(n, fn), 1           # A shared: stack along N
    c = matmul_cost(mm, k, nn, hw, batch=bb, dtype=a.dtype, out_dtype=y.dtype)
    c = dataclasses.replace(c, flops=FLOPS_PER_MAC * batch * m * k * n)
    if len(node.inputs) > 2 and node.inputs[2].elems:
        bias = node.inputs[2]
        c = add_work(c, hw, read_bytes=bias.storage_bytes(hw),
                     vec=per_core_vector(y.storage_elems(hw), y.dtype, ("basic",), c.block_dim, hw))
    return c


@dataclasses.dataclass(frozen=True)
class ConvGeometry:
    n: int
    cin: int            # input channels (all groups)
    cout: int
    groups: int
    spatial_in: tuple
    kernel: tuple
    spatial_out: tuple
    depthwise: bool = False

    @property
    def flops(self) -> int:
        per_out = math.prod(self.kernel) * self.cin // self.groups
        return FLOPS_PER_MAC * self.n * math.prod(self.spatial_out) * self.cout * per_out


def _activation(desc: TensorDesc) -> tuple[int, int, tuple]:
    a = axes(desc.shape, desc.origin_format, desc.format, weight=False)
    if "N" not in a or "C" not in a:
        raise DescError(f"convolution tensor {list(desc.shape)} ({desc.origin_format}) has no N/C axes")
    return a["N"], a["C"], tuple(a[s] for s in SPATIAL if s in a)


def _weight(desc: TensorDesc) -> tuple[tuple, int, int]:
    """(kernel sizes, input channels per group, output channels or depth multiplier)."""
    a = axes(desc.shape, desc.origin_format, desc.format, weight=True)
    if "N" not in a or "C" not in a:
        raise DescError(f"convolution weight {list(desc.shape)} ({desc.origin_format}) has no N/C axes")
    return tuple(a[s] for s in SPATIAL if s in a), a["C"], a["N"]


def conv_geometry(x: TensorDesc, w: TensorDesc, y: TensorDesc, depthwise: bool = False) -> ConvGeometry:
    n, cin, sp_in = _activation(x)
    _, cout, sp_out = _activation(y)
    kernel, w_cin, w_n = _weight(w)
    if not (len(sp_in) == len(sp_out) == len(kernel)):
        raise DescError(f"convolution ranks disagree: input {list(x.shape)}, weight {list(w.shape)}, "
                        f"output {list(y.shape)}")
    if depthwise:
        return ConvGeometry(n, cin, cin * w_n, cin, sp_in, kernel, sp_out, True)
    if w_cin < 1 or cin % w_cin:
        raise DescError(f"input channels {cin} are not a multiple of the weight's {w_cin}")
    return ConvGeometry(n, cin, cout, cin // w_cin, sp_in, kernel, sp_out)


def conv_cost(g: ConvGeometry, role: str, source: TensorDesc, dtype: str, out_dtype: str, hw: HardwareSpec,
              c04: bool = False) -> Cost:
    """The img2col matmul of one convolution pass; ``source`` is the feature map the expanded operand
    comes from (x for forward and filter-gradient, dy for input-gradient)."""
    fm, _, fn = _pad(dtype, hw)
    c0 = c0_elems(dtype, hw)
    taps = math.prod(g.kernel)
    rows_out = g.n * pad_to(math.prod(g.spatial_out), fm)
    rows_in = g.n * pad_to(math.prod(g.spatial_in), fm)
    if g.depthwise:
        groups, mult = math.ceil(g.cin / c0), g.cout // g.cin
        shapes = {"forward": (rows_out, taps * c0, c0 * mult), "input_grad": (rows_in, taps * c0 * mult, c0),
                  "filter_grad": (taps * c0, rows_out, c0 * mult)}
    else:
        groups, cin_g, cout_g = g.groups, g.cin // g.groups, g.cout // g.groups
        k_fwd = pad_to(taps * C04_ELEMS, fn) if c04 else taps * pad_to(cin_g, c0)
        shapes = {"forward": (rows_out, k_fwd, cout_g), "input_grad": (rows_in, taps * pad_to(cout_g, c0), cin_g),
                  "filter_grad": (taps * pad_to(cin_g, c0), rows_out, cout_g)}
    m, k, n = shapes[role]
    expanded, fetched = groups * m * k, source.storage_elems(hw)   # img2col operand vs the map it comes from
    if not fetched or not expanded:
        raise DescError(f"empty convolution operand: {list(source.shape)} expanded to {groups}x{m}x{k}")
    c = matmul_cost(m, k, n, hw, batch=groups, dtype=dtype, out_dtype=out_dtype,
                    a_hbm_ratio=min(1.0, fetched / expanded))
    return dataclasses.replace(c, flops=g.flops)


def _ref(node: OpInstance, ref: tuple) -> TensorDesc:
    side, index = ref
    return (node.inputs if side == "in" else node.outputs)[index]


def conv(node: OpInstance, hw: HardwareSpec, *, role: str, x, w, y, depthwise: bool = False) -> Cost:
    """A convolution pass; x / w / y say where the input, weight and output tensors sit in the node."""
    xd, wd, yd = _ref(node, x), _ref(node, w), _ref(node, y)
    g = conv_geometry(xd, wd, yd, depthwise)
    source, dtype = {"forward": (xd, xd.dtype), "input_grad": (yd, yd.dtype),
                     "filter_grad": (xd, xd.dtype)}[role]
    out = _ref(node, ("out", 0))
    c = conv_cost(g, role, source, dtype, out.dtype, hw, c04=role == "forward" and xd.format == "NC1HWC0_C04")
    if role == "forward" and len(node.inputs) > 2 and node.inputs[2].elems and node.inputs[2] is not wd:
        c = add_work(c, hw, read_bytes=node.inputs[2].storage_bytes(hw),
                     vec=per_core_vector(yd.storage_elems(hw), yd.dtype, ("basic",), c.block_dim, hw))
    return c


def _find_weight(descs) -> TensorDesc:
    for d in descs:
        if d.format in WEIGHT_FORMATS or d.origin_format in ("HWCN", "DHWCN"):
            return d
    raise DescError("no convolution weight (FRACTAL_Z format or HWCN origin) among the tensors")


def _activations(descs) -> list:
    return sorted((d for d in descs if len(d.shape) in (4, 5) and d.format not in WEIGHT_FORMATS
                   and d.origin_format not in ("HWCN", "DHWCN")), key=lambda d: -d.elems)


def _with_channels(descs, channels: int) -> TensorDesc:
    for d in descs:
        if _activation(d)[1] == channels:
            return d
    raise DescError(f"no activation tensor with {channels} channels")


def bn_relu_conv_bn(node: OpInstance, hw: HardwareSpec) -> Cost:
    """FusedBN2ReluConvBN1: BNTrainingUpdate + ReluV2 on the input, Conv2D, BNTrainingReduce on its output.
    Its I/O order is not published, so roles are found by format and channels: the weight is the FRACTAL_Z
    (or HWCN) input, x the largest activation input, y the largest output with the weight's Cout."""
    w = _find_weight(node.inputs)
    kernel, w_cin, cout = _weight(w)
    x = _activations(node.inputs)[0]
    y = _with_channels(_activations(node.outputs), cout)
    g = conv_geometry(x, w, y)
    c = conv_cost(g, "forward", x, x.dtype, y.dtype, hw)
    x_elems, y_elems = x.storage_elems(hw), y.storage_elems(hw)
    vec = (per_core_vector(x_elems, x.dtype, BN_UPDATE + RELU_V2, c.block_dim, hw)
           + per_core_vector(y_elems, "float32", BN_REDUCE, c.block_dim, hw))
    # the ReLU result and its bit mask are written for the backward pass
    return add_work(c, hw, vec=vec, write_bytes=x.storage_bytes(hw) + x_elems / BITS_PER_BYTE,
                    read_bytes=storage_bytes([d for d in node.inputs if d not in (x, w)], hw))


def dbn_dw(node: OpInstance, hw: HardwareSpec) -> Cost:
    """FusedDbnDw: the BN input-gradient computed in the filter-gradient kernel that consumes it; roles
    found as in bn_relu_conv_bn (the weight-format output is dW; x has its Cin, dy its Cout)."""
    dw = _find_weight(node.outputs)
    kernel, cin, cout = _weight(dw)
    acts = _activations(node.inputs)
    x = _with_channels(acts, cin)
    dy = _with_channels([d for d in acts if d is not x] or acts, cout)
    g = conv_geometry(x, dw, dy)
    c = conv_cost(g, "filter_grad", x, x.dtype, dw.dtype, hw)
    vec = per_core_vector(dy.storage_elems(hw), dy.dtype, BN_REDUCE_GRAD, c.block_dim, hw)
    return add_work(c, hw, vec=vec, read_bytes=dy.storage_bytes(hw), write_bytes=dy.storage_bytes(hw))


def _conv_specs(names, role, x, w, y, dtype_input, formats, depthwise=False, note=""):
    fn = functools.partial(conv, role=role, x=x, w=w, y=y, depthwise=depthwise)
    return specs(names, unit="aicore_cube", cost_fn=fn, family=FAMILY, kind=f"conv_{role}", dtypes=CUBE_DTYPES,
                 formats=formats, dtype_input=dtype_input, note=note)


IN0, IN1, IN2, OUT0 = ("in", 0), ("in", 1), ("in", 2), ("out", 0)
SPECS = (
    *specs("MatMul MatMulV2 BatchMatMul BatchMatMulV2", unit="aicore_cube", cost_fn=matmul, family=FAMILY,
           kind="matmul", dtypes=CUBE_DTYPES, formats=MATMUL_FORMATS,
           note="TF MatMul → MatMulV2, BatchMatMul(V2) → BatchMatMulV2 (reference §3.2)"),
    # forward: (x, filter[, bias]); Conv2DTranspose(D) is an input-gradient pass over x
    *_conv_specs("Conv2D", "forward", IN0, IN1, OUT0, 0, CONV_FORMATS),
    *_conv_specs("Conv3D", "forward", IN0, IN1, OUT0, 0, CONV3D_FORMATS),
    *_conv_specs("DepthwiseConv2D", "forward", IN0, IN1, OUT0, 0, CONV_FORMATS, depthwise=True),
    # input gradient: (input_size, filter, dy) before const2attr, (filter, dy) after
    *_conv_specs("Conv2DBackpropInput", "input_grad", OUT0, IN1, IN2, 2, CONV_FORMATS),
    *_conv_specs("Conv2DBackpropInputD", "input_grad", OUT0, IN0, IN1, 1, CONV_FORMATS),
    *_conv_specs("Conv3DBackpropInput", "input_grad", OUT0, IN1, IN2, 2, CONV3D_FORMATS),
    *_conv_specs("Conv3DBackpropInputD", "input_grad", OUT0, IN0, IN1, 1, CONV3D_FORMATS),
    *_conv_specs("DepthwiseConv2DBackpropInput", "input_grad", OUT0, IN1, IN2, 2, CONV_FORMATS, True),
    *_conv_specs("DepthwiseConv2DBackpropInputD", "input_grad", OUT0, IN0, IN1, 1, CONV_FORMATS, True),
    # transpose convs: (input_size, x, filter, ...) / D: (x, filter, ...); x plays dy
    *_conv_specs("Conv2DTranspose", "input_grad", OUT0, IN2, IN1, 1, CONV_FORMATS),
    *_conv_specs("Conv2DTransposeD", "input_grad", OUT0, IN1, IN0, 0, CONV_FORMATS),
    *_conv_specs("Conv3DTranspose", "input_grad", OUT0, IN2, IN1, 1, CONV3D_FORMATS),
    *_conv_specs("Conv3DTransposeD", "input_grad", OUT0, IN1, IN0, 0, CONV3D_FORMATS),
    # filter gradient: (x, filter_size, dy) before const2attr, (x, dy) after
    *_conv_specs("Conv2DBackpropFilter", "filter_grad", IN0, OUT0, IN2, 0, CONV_FORMATS),
    *_conv_specs("Conv2DBackpropFilterD", "filter_grad", IN0, OUT0, IN1, 0, CONV_FORMATS),
    *_conv_specs("Conv3DBackpropFilter", "filter_grad", IN0, OUT0, IN2, 0, CONV3D_FORMATS),
    *_conv_specs("Conv3DBackpropFilterD", "filter_grad", IN0, OUT0, IN1, 0, CONV3D_FORMATS),
    *_conv_specs("DepthwiseConv2DBackpropFilter", "filter_grad", IN0, OUT0, IN2, 0, CONV_FORMATS, True),
    *_conv_specs("DepthwiseConv2DBackpropFilterD", "filter_grad", IN0, OUT0, IN1, 0, CONV_FORMATS, True),
    *specs("FusedBN2ReluConvBN1", unit="aicore_cube", cost_fn=bn_relu_conv_bn, family=FAMILY,
           kind="fused_bn_conv", dtypes=CUBE_DTYPES, formats=CONV_FORMATS,
           note="bnupdate_reluv2_bnreduce fusion pass (reference §3.2)"),
    *specs("FusedDbnDw", unit="aicore_cube", cost_fn=dbn_dw, family=FAMILY, kind="fused_dbn_dw",
           dtypes=CUBE_DTYPES, formats=CONV_FORMATS, note="resnet50_dbn_dw_fusion_pass (reference §3.4)"),
)
