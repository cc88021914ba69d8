from npu_bridge.npu_init import *
import tensorflow as tf

value = get_npu_local_rank_size()
