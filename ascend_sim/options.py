"""The NpuOptimizer options that change what the graph compiler produces, typed and validated.

``NpuOptions`` holds the compile-relevant keys of the NpuOptimizer ``parameter_map`` (shared reference
npu_bridge_api.md §6): precision, mixed compilation, data sinking, the device loop count, the run mode and
where variables live, plus ``strict`` (ours: unsupported ops become errors, as in the real graph compiler;
default from the environment variable ``ASCEND_SIM_STRICT``).

``NpuOptions.from_parameter_map(pm)`` reads them from the ``custom_op.parameter_map`` of a session config
(a protobuf map of AttrValue) or from a plain dict of Python values. Like the adapter, each key is read
through one AttrValue field (``.s``, ``.i`` or ``.b``); a value set in another field reads as the key's
default (logged). Keys this module does not parse are tolerated and listed in ``unparsed``.

Validation follows upstream: a ``precision_mode`` outside the 9 legal values, a ``precision_mode_v2``
outside its 5, both set at once, ``modify_mixlist`` without a mixed-precision mode, a non-positive
``iterations_per_loop``, ``mix_compile_mode`` with ``iterations_per_loop`` > 1, ``graph_run_mode`` not 0/1
and ``variable_placement`` not Device/Host are ValueErrors naming the option and listing what is legal.
"""
from __future__ import annotations

import dataclasses
import logging
import operator
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

STRICT_ENV = "ASCEND_SIM_STRICT"
PRECISION_MODES = ("force_fp32", "allow_fp32_to_fp16", "force_fp16", "must_keep_origin_dtype",
                   "allow_mix_precision", "cube_fp16in_fp32out", "allow_mix_precision_fp16",
                   "allow_mix_precision_bf16", "allow_fp32_to_bf16")
PRECISION_MODES_V2 = ("fp16", "origin", "cube_fp16in_fp32out", "mixed_float16", "mixed_bfloat16")
# precision_mode_v2 → the precision_mode it means (Huawei documentation pairs them this way)
V2_TO_V1 = {"fp16": "force_fp16", "origin": "must_keep_origin_dtype", "cube_fp16in_fp32out": "cube_fp16in_fp32out",
            "mixed_float16": "allow_mix_precision_fp16", "mixed_bfloat16": "allow_mix_precision_bf16"}
MIX_MODES = ("allow_mix_precision", "allow_mix_precision_fp16", "allow_mix_precision_bf16")
MIX_MODES_V2 = ("mixed_float16", "mixed_bfloat16")
# When precision_mode is unset: GE's default on Atlas training products (910) for training, and the 2021
# adapter's force_fp16 for inference (reference ascend910.md §3.6, npu_bridge_api.md §6.2).
DEFAULT_TRAIN_PRECISION = "allow_fp32_to_fp16"
DEFAULT_INFER_PRECISION = "force_fp16"
GRAPH_RUN_MODES = (0, 1)
VARIABLE_PLACEMENTS = ("Device", "Host")
_TRUE = ("1", "true", "yes", "on")

# parameter_map key → (field name, AttrValue accessor)
KEYS = {
    "precision_mode": ("precision_mode", "s"),
    "precision_mode_v2": ("precision_mode_v2", "s"),
    "modify_mixlist": ("modify_mixlist", "s"),
    "mix_compile_mode": ("mix_compile_mode", "b"),
    "iterations_per_loop": ("iterations_per_loop", "i"),
    "enable_data_pre_proc": ("enable_data_pre_proc", "b"),
    "graph_run_mode": ("graph_run_mode", "i"),
    "variable_placement": ("variable_placement", "s"),
}


def _strict_from_env() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() in _TRUE


@dataclass(frozen=True)
class NpuOptions:
    """Compile-relevant NpuOptimizer options (see the module docstring). ``precision_mode`` None means
    unset: ``effective_precision_mode`` then gives the default for ``graph_run_mode``."""

    precision_mode: str | None = None
    precision_mode_v2: str | None = None
    modify_mixlist: str = ""
    mix_compile_mode: bool = False
    iterations_per_loop: int = 1
    enable_data_pre_proc: bool = False
    graph_run_mode: int = 1
    variable_placement: str = "Device"
    strict: bool = field(default_factory=_strict_from_env)
    unparsed: tuple = ()

    def __post_init__(self):
        if self.precision_mode is not None and self.precision_mode not in PRECISION_MODES:
            raise ValueError(f"precision_mode {self.precision_mode!r} is invalid; legal values: "
                             f"{', '.join(PRECISION_MODES)}")
        if self.precision_mode_v2 is not None and self.precision_mode_v2 not in PRECISION_MODES_V2:
            raise ValueError(f"precision_mode_v2 {self.precision_mode_v2!r} is invalid; legal values: "
                             f"{', '.join(PRECISION_MODES_V2)}")
        if self.precision_mode is not None and self.precision_mode_v2 is not None:
            raise ValueError(f"precision_mode ({self.precision_mode!r}) and precision_mode_v2 "
                             f"({self.precision_mode_v2!r}) cannot both be set; set one of them")
        if self.modify_mixlist and self.precision_mode not in MIX_MODES \
                and self.precision_mode_v2 not in MIX_MODES_V2:
            raise ValueError(f"modify_mixlist ({self.modify_mixlist!r}) needs precision_mode in "
                             f"{', '.join(MIX_MODES)} or precision_mode_v2 in {', '.join(MIX_MODES_V2)}; "
                             f"got precision_mode={self.precision_mode!r}, "
                             f"precision_mode_v2={self.precision_mode_v2!r}")
        ipl = self.iterations_per_loop
        if isinstance(ipl, bool) or not isinstance(ipl, int) or ipl < 1:
            raise ValueError(f"iterations_per_loop must be a positive integer, got {ipl!r}")
        if self.mix_compile_mode and ipl != 1:
            raise ValueError(f"mix_compile_mode=True requires iterations_per_loop == 1, got {ipl}")
        if self.graph_run_mode not in GRAPH_RUN_MODES or isinstance(self.graph_run_mode, bool):
            raise ValueError(f"graph_run_mode {self.graph_run_mode!r} is invalid; legal values: 0 (inference), "
                             f"1 (training)")
        if self.variable_placement not in VARIABLE_PLACEMENTS:
            raise ValueError(f"variable_placement {self.variable_placement!r} is invalid; legal values: "
                             f"{', '.join(VARIABLE_PLACEMENTS)}")
        for name in ("mix_compile_mode", "enable_data_pre_proc", "strict"):
            object.__setattr__(self, name, bool(getattr(self, name)))
        object.__setattr__(self, "unparsed", tuple(self.unparsed))

    @property
    def effective_precision_mode(self) -> str:
        """The precision_mode the compiler applies (v2 translated, the run mode's default when unset)."""
        if self.precision_mode_v2 is not None:
            return V2_TO_V1[self.precision_mode_v2]
        if self.precision_mode is not None:
            return self.precision_mode
        return DEFAULT_TRAIN_PRECISION if self.graph_run_mode == 1 else DEFAULT_INFER_PRECISION

    def replace(self, **changes) -> "NpuOptions":
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_parameter_map(cls, pm, **overrides) -> "NpuOptions":
        """Options from an NpuOptimizer ``parameter_map`` (protobuf map of AttrValue, or a dict of AttrValue
        or of plain values); ``overrides`` are keyword fields applied on top."""
        if pm is None:
            pm = {}
        if not isinstance(pm, Mapping) and not hasattr(pm, "items"):
            raise TypeError(f"parameter_map must be a mapping of option name to value, got {type(pm).__name__}")
        values, unparsed = {}, []
        for key, raw in pm.items():
            if key not in KEYS:
                unparsed.append(str(key))
                continue
            name, accessor = KEYS[key]
            value = _read(key, raw, accessor)
            if value is not None:
                values[name] = value
        values.update(overrides)
        values.setdefault("unparsed", tuple(sorted(unparsed)))
        return cls(**values)


def _read(key: str, raw, accessor: str):
    """One parameter_map value through its accessor; None where the adapter would read the default."""
    if hasattr(raw, "WhichOneof"):                       # an AttrValue
        which = raw.WhichOneof("value")
        if which != accessor:
            logger.warning("parameter_map[%r] is set in AttrValue field %r, but the adapter reads .%s: the "
                           "default applies", key, which, accessor)
            return None
        raw = getattr(raw, accessor)
    if accessor == "s":
        if isinstance(raw, bytes):
            raw = raw.decode()
        if not isinstance(raw, str):
            raise ValueError(f"parameter_map[{key!r}] must be a string, got {raw!r}")
        if key in ("precision_mode", "precision_mode_v2") and raw == "":
            return None
        return raw
    if accessor == "b":
        if isinstance(raw, str):
            return raw.strip().lower() in _TRUE
        return bool(raw)
    try:
        if isinstance(raw, bool):
            raise TypeError
        return operator.index(raw)
    except TypeError:
        raise ValueError(f"parameter_map[{key!r}] must be an integer, got {raw!r}") from None
