from npu_bridge.npu_init import *
import tensorflow as tf

scale = ExponentialUpdateLossScaleManager(init_loss_scale=2**16, incr_every_n_steps=1000, incr_ratio=2)
