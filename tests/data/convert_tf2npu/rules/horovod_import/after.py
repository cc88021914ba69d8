from npu_bridge.npu_init import *
import tensorflow as tf

lr = 0.01 * get_npu_rank_size()
