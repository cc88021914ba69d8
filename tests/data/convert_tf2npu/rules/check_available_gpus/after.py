from npu_bridge.npu_init import *
import tensorflow as tf
from utils import check_available_gpus

devices = ['/device:CPU:0']
