"""Rules between NpuOptimizer options that the adapter enforces (reference npu_bridge_api.md §3.1, §3.6, §6.1).

``RULES`` is a tuple of ``(name, rule)``; ``rule(options, present)`` returns None when the options are
consistent, else the error message. ``present`` is the set of keys the parameter_map contained (plus every
field that differs from its default), for the one rule upstream applies to the mere presence of keys
(``enable_compress_weight`` with ``compress_weight_conf``). ``check_paths(options)`` applies the checks that
look at the file system (``dump_path`` when dumping, ``work_path`` with ``aoe_mode``).
"""
from __future__ import annotations

import os

from ascend_sim.options.keys import MIX_MODES, MIX_MODES_V2


def _precision_both(o, present):
    if o.precision_mode is not None and o.precision_mode_v2 is not None:
        return (f"precision_mode ({o.precision_mode!r}) and precision_mode_v2 ({o.precision_mode_v2!r}) cannot "
                f"both be set; set one of them")
    return None


def _mixlist_needs_mixed_mode(o, present):
    if o.modify_mixlist and o.precision_mode not in MIX_MODES and o.precision_mode_v2 not in MIX_MODES_V2:
        return (f"modify_mixlist ({o.modify_mixlist!r}) needs precision_mode in {', '.join(MIX_MODES)} or "
                f"precision_mode_v2 in {', '.join(MIX_MODES_V2)}; got precision_mode={o.precision_mode!r}, "
                f"precision_mode_v2={o.precision_mode_v2!r}")
    return None


def _mix_compile_one_iteration(o, present):
    if o.mix_compile_mode and o.iterations_per_loop != 1:
        return f"mix_compile_mode=True requires iterations_per_loop == 1, got {o.iterations_per_loop}"
    return None


def _lazy_recompile_one_iteration(o, present):
    if o.dynamic_input and o.dynamic_graph_execute_mode == "lazy_recompile" and o.iterations_per_loop != 1:
        return (f"dynamic_input with dynamic_graph_execute_mode='lazy_recompile' requires iterations_per_loop "
                f"== 1, got {o.iterations_per_loop}")
    return None


def _in_out_pair_needs_mix_compile(o, present):
    if o.in_out_pair and not o.mix_compile_mode:
        return f"in_out_pair ({o.in_out_pair!r}) requires mix_compile_mode=True"
    return None


def _implmode_list_needs_implmode(o, present):
    if o.optypelist_for_implmode and not o.op_select_implmode:
        return (f"optypelist_for_implmode ({o.optypelist_for_implmode!r}) requires op_select_implmode "
                f"(high_precision, high_performance, high_precision_for_all or high_performance_for_all)")
    return None


def _dynamic_dims_all_or_none(o, present):
    given = {"input_shape": bool(o.input_shape), "dynamic_dims": bool(o.dynamic_dims),
             "dynamic_node_type": o.dynamic_node_type != -1}
    if any(given.values()) and not all(given.values()):
        missing = ", ".join(key for key, is_set in given.items() if not is_set)
        return f"input_shape, dynamic_dims and dynamic_node_type must be set together or not at all; missing: {missing}"
    return None


def _compress_weight_exclusive(o, present):
    if "enable_compress_weight" in present and "compress_weight_conf" in present:
        return ("enable_compress_weight and compress_weight_conf are mutually exclusive: the parameter_map holds "
                "both (NPUEstimator always writes enable_compress_weight, so NPURunConfig(compress_weight_conf=...) "
                "fails upstream too)")
    return None


def _dump_needs_path(o, present):
    if (o.enable_dump or o.enable_dump_debug) and not o.dump_path:
        which = "enable_dump" if o.enable_dump else "enable_dump_debug"
        return f"{which}=True requires dump_path (an existing read-write directory)"
    return None


RULES = (
    ("precision_mode with precision_mode_v2", _precision_both),
    ("modify_mixlist needs a mixed precision mode", _mixlist_needs_mixed_mode),
    ("mix_compile_mode needs iterations_per_loop 1", _mix_compile_one_iteration),
    ("lazy_recompile needs iterations_per_loop 1", _lazy_recompile_one_iteration),
    ("in_out_pair needs mix_compile_mode", _in_out_pair_needs_mix_compile),
    ("optypelist_for_implmode needs op_select_implmode", _implmode_list_needs_implmode),
    ("input_shape / dynamic_dims / dynamic_node_type together", _dynamic_dims_all_or_none),
    ("enable_compress_weight with compress_weight_conf", _compress_weight_exclusive),
    ("dumping needs dump_path", _dump_needs_path),
)


def apply(options, present) -> None:
    """ValueError with the first broken rule's message."""
    for _, rule in RULES:
        message = rule(options, present)
        if message is not None:
            raise ValueError(message)


def checked_directory(path: str, key: str) -> str:
    """The realpath of ``path``, which must be an existing read-write directory (ValueError naming ``key``)."""
    real = os.path.realpath(path)
    if not os.path.isdir(real):
        reason = "does not exist" if not os.path.exists(real) else "is not a directory"
        raise ValueError(f"NpuOptimizer option {key} {path!r} {reason}; it must be an existing read-write directory")
    if not os.access(real, os.R_OK | os.W_OK):
        raise ValueError(f"NpuOptimizer option {key} {path!r} is not readable and writable")
    return real


def check_paths(options) -> None:
    """The file-system checks of the adapter: dump_path when dumping, work_path with aoe_mode."""
    if options.enable_dump or options.enable_dump_debug:
        checked_directory(options.dump_path, "dump_path")
    if options.aoe_mode:
        checked_directory(options.work_path, "work_path")
