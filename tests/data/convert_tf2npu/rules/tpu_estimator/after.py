from npu_bridge.npu_init import *
import tensorflow as tf
from tensorflow.contrib import tpu

estimator = tpu.TPUEstimator(model_fn=model_fn, config=npu_run_config_init(run_config=run_config), use_tpu=False, train_batch_size=8, eval_on_tpu=False, export_to_tpu=False)
