from npu_bridge.npu_init import *
import tensorflow as tf

strategy = npu_strategy.NPUStrategy()
