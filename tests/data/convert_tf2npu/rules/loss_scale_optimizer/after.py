from npu_bridge.npu_init import *
import tensorflow as tf

opt = NPULossScaleOptimizer(opt, loss_scale_manager=ExponentialUpdateLossScaleManager(init_loss_scale=2**15, incr_every_n_steps=2000, incr_ratio=2))
opt2 = NPULossScaleOptimizer(base, loss_scale_manager=FixedLossScaleManager(1024))
opt3 = NPULossScaleOptimizer(base, loss_scale_manager=manager)
