from npu_bridge.npu_init import *
import tensorflow as tf

callbacks = [NPUBroadcastGlobalVariablesCallback(root_rank=0)]
