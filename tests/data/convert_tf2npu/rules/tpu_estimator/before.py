import tensorflow as tf
from tensorflow.contrib import tpu

estimator = tpu.TPUEstimator(model_fn=model_fn, config=run_config, use_tpu=True, train_batch_size=8)
