"""What the op registry costs: one Ascend op instance with static tensor descriptions.

This is the contract between graph lowering (which fills these in) and the cost model (which reads them):

``TensorDesc(shape, dtype="float16", format="ND", origin_format="ND")``
    ``shape`` is the **origin** (logical) shape, as TensorFlow sees it, fully static (ints ≥ 0; a scalar is
    ``()``). ``origin_format`` names its layout when axes matter (``NHWC``, ``NCHW``, ``HWCN`` for TF conv
    filters, ``NDHWC``, ``NCDHW``, ``DHWCN``; ``ND`` otherwise, and then 4-D/5-D shapes are read in TF's
    default layouts). ``format`` is how the device stores the tensor (``ND``, ``NC1HWC0``, ``FRACTAL_Z``,
    ``FRACTAL_NZ``, ... see ``ascend_sim.ops.formats``); costs read and write the padded storage
    (``storage_shape``), so C0 / fractal padding shows up in bytes and vector work. ``dtype`` is a TensorFlow
    dtype name (``float16``, ``float32``, ``int32``, ``bool``, ...).

``OpInstance(op_type, inputs=(), outputs=(), attrs={})``
    ``inputs`` / ``outputs`` are TensorDescs in the Ascend op's input/output order (optional inputs that are
    absent are left out at the end). ``attrs`` holds the op's attributes under their GE or TF names
    (``transpose_x1`` / ``transpose_a``, ``ksize``, ``strides``, ``rank_size``, ...); lists become tuples so
    instances stay hashable. A fused task carries ``attrs["fused_from"]``: the OpInstances it was fused
    from, in chain order (each part's first output feeds the next part and stays on chip).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from ascend_sim.hw.spec import FrozenMap, HardwareSpec
from ascend_sim.ops.cost.dtypes import itemsize
from ascend_sim.ops.formats import FORMATS, LAYOUTS, FormatError, storage_shape

FUSED_FROM = "fused_from"     # attribute holding the parts of a fused task


class DescError(ValueError):
    """A tensor or op description that cannot be what a lowered graph holds."""


def _freeze(value):
    if isinstance(value, Mapping):
        return FrozenMap({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class TensorDesc:
    """A static tensor: origin shape, dtype, device format and the layout of the origin shape."""

    shape: tuple
    dtype: str = "float16"
    format: str = "ND"
    origin_format: str = "ND"

    def __post_init__(self):
        try:
            shape = tuple(self.shape)
        except TypeError:
            raise DescError(f"TensorDesc.shape must be a sequence of ints, got {self.shape!r}") from None
        for dim in shape:
            if isinstance(dim, bool) or not isinstance(dim, int) or dim < 0:
                raise DescError(f"TensorDesc.shape must hold static ints >= 0 (unknown dims resolved by "
                                f"lowering), got {list(shape)}")
        object.__setattr__(self, "shape", shape)
        if not isinstance(self.dtype, str) or not self.dtype:
            raise DescError(f"TensorDesc.dtype must be a dtype name, got {self.dtype!r}")
        if self.format not in FORMATS:
            raise DescError(f"TensorDesc.format {self.format!r} is unknown; formats: {', '.join(FORMATS)}")
        if self.origin_format not in LAYOUTS:
            raise DescError(f"TensorDesc.origin_format {self.origin_format!r} is unknown; "
                            f"layouts: {', '.join(LAYOUTS)}")
        letters = LAYOUTS[self.origin_format]
        if letters and len(letters) != len(shape):
            raise DescError(f"TensorDesc.shape {list(shape)} has rank {len(shape)} but origin_format "
                            f"{self.origin_format!r} has {len(letters)} axes")

    @property
    def elems(self) -> int:
        """Elements of the origin shape (1 for a scalar)."""
        return math.prod(self.shape)

    def nbytes(self) -> float:
        """Bytes of the origin shape (raises CostError for a dtype with no fixed size)."""
        return self.elems * itemsize(self.dtype)

    def storage_shape(self, hw: HardwareSpec) -> tuple:
        """The padded shape on the device in ``format`` (see ascend_sim.ops.formats)."""
        try:
            return storage_shape(self.shape, self.dtype, self.format, self.origin_format, hw)
        except FormatError as exc:
            raise DescError(str(exc)) from None

    def storage_elems(self, hw: HardwareSpec) -> int:
        return math.prod(self.storage_shape(hw))

    def storage_bytes(self, hw: HardwareSpec) -> float:
        return self.storage_elems(hw) * itemsize(self.dtype)


@dataclass(frozen=True)
class OpInstance:
    """One Ascend op with static tensor descriptions and attributes (see the module docstring)."""

    op_type: str
    inputs: tuple = ()
    outputs: tuple = ()
    attrs: FrozenMap = field(default_factory=FrozenMap)

    def __post_init__(self):
        if not isinstance(self.op_type, str) or not self.op_type:
            raise DescError(f"OpInstance.op_type must be a non-empty string, got {self.op_type!r}")
        for name in ("inputs", "outputs"):
            items = tuple(getattr(self, name))
            for i, item in enumerate(items):
                if not isinstance(item, TensorDesc):
                    raise DescError(f"{self.op_type}: {name}[{i}] must be a TensorDesc, got {item!r}")
            object.__setattr__(self, name, items)
        if not isinstance(self.attrs, Mapping):
            raise DescError(f"{self.op_type}: attrs must be a mapping, got {self.attrs!r}")
        object.__setattr__(self, "attrs", _freeze(self.attrs))
        for part in self.attrs.get(FUSED_FROM, ()):
            if not isinstance(part, OpInstance):
                raise DescError(f"{self.op_type}: attrs[{FUSED_FROM!r}] must hold OpInstances, got {part!r}")

    def attr(self, *names: str, default=None):
        """The first of ``names`` present in attrs (GE and TF spell some attributes differently)."""
        for name in names:
            if name in self.attrs:
                return self.attrs[name]
        return default

    @property
    def fused_from(self) -> tuple:
        return tuple(self.attrs.get(FUSED_FROM, ()))
