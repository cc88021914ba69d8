"""Emulated custom ops of upstream's ``_tf_adapter.so``; ``gen_ops`` is the generated op module."""
from npu_bridge._ops import registry
from npu_bridge._ops import defs_activation, defs_dropout, defs_hccl, defs_system  # noqa: F401  (register ops)

gen_ops = registry.GeneratedOpModule()

__all__ = ["gen_ops", "registry"]
