from npu_bridge.npu_init import *
import tensorflow as tf

scale = FixedLossScaleManager(128)
