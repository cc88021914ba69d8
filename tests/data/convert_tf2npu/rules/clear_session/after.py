from npu_bridge.npu_init import *
import tensorflow as tf
from tensorflow.keras import backend as K

npu_clear_session()
npu_clear_session()
