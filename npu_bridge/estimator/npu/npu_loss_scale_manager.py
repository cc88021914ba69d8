"""Loss-scale managers for NPU mixed precision (upstream ``npu_loss_scale_manager``).

* :class:`FixedLossScaleManager`: a constant scale (float32 tensor named ``loss_scale``, so
  scripts can read ``loss_scale:0``) and a switch for the overflow check.
* :class:`ExponentialUpdateLossScaleManager`: a non-trainable variable named ``loss_scale``
  (again ``loss_scale:0``) moved by the NPU update rule: ×``incr_ratio`` after
  ``incr_every_n_steps`` finite steps in a row, only while the result stays below 3.4e38;
  ×``decr_ratio`` (never below 1) after ``decr_every_n_nan_or_inf`` overflowing steps.

The bases are contrib's (TF 1.15), provided by :mod:`._contrib_mixed_precision`.
"""
from tensorflow.python.framework import dtypes, ops  # noqa: F401  (upstream module namespace)
from tensorflow.python.ops import cond as tf_cond
from tensorflow.python.ops import control_flow_ops, gen_math_ops, state_ops  # noqa: F401

from npu_bridge.estimator.npu import _contrib_mixed_precision as lsm_lib

# The largest value the device's float32 loss scale may reach (the float32 maximum, rounded).
FLOAT32_MAX_SCALE = 3.4e38


class FixedLossScaleManager(lsm_lib.FixedLossScaleManager):
    """A constant loss scale; ``enable_overflow_check=False`` makes every step count as finite."""

    def __init__(self, loss_scale, enable_overflow_check=True):
        if loss_scale < 1:
            raise ValueError(f"loss_scale must be at least 1, got {loss_scale!r}")
        self._enable_overflow_check = enable_overflow_check
        super().__init__(loss_scale)

    def get_enable_overflow_check(self):
        """Whether ``NPULossScaleOptimizer`` checks the float status (skips overflowing steps)."""
        return self._enable_overflow_check


class ExponentialUpdateLossScaleManager(lsm_lib.ExponentialUpdateLossScaleManager):
    """A dynamic loss scale with the NPU update rule (the increase is capped below 3.4e38)."""

    def __init__(self, init_loss_scale, incr_every_n_steps, decr_every_n_nan_or_inf=2, incr_ratio=2, decr_ratio=0.8):
        super().__init__(
            init_loss_scale,
            incr_every_n_steps,
            decr_every_n_nan_or_inf=decr_every_n_nan_or_inf,
            incr_ratio=incr_ratio,
            decr_ratio=decr_ratio,
        )

    def _increased_scale(self):
        """×``incr_ratio`` only while the current scale is below 3.4e38 / ``incr_ratio``."""
        fits = gen_math_ops.less(self._loss_scale, FLOAT32_MAX_SCALE / self._incr_ratio)
        return tf_cond.cond(fits, lambda: self._loss_scale * self._incr_ratio, lambda: self._loss_scale)
