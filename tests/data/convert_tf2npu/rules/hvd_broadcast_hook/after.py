from npu_bridge.npu_init import *
import tensorflow as tf

hooks = [NPUBroadcastGlobalVariablesHook(0, int(os.getenv('RANK_ID', '0')))]
