"""Emulated custom ops of upstream's ``_tf_adapter.so``; ``gen_ops`` is the generated op module."""
from npu_bridge._ops import registry
from npu_bridge._ops import defs_activation, defs_dropout, defs_hccl, defs_system  # noqa: F401  (register ops)
from npu_bridge._ops import defs_aicpu, defs_aicpu_embedding, defs_aicpu_image, defs_npu_extra  # noqa: F401  (register ops)
from npu_bridge._ops import defs_device, defs_gru, defs_lstm, defs_misc_aicore, defs_optim, defs_quant  # noqa: F401,E501

gen_ops = registry.GeneratedOpModule()

__all__ = ["gen_ops", "registry"]
