from npu_bridge.npu_init import *
import tensorflow as tf

run_config = tf.estimator.RunConfig(model_dir="./model", save_checkpoints_steps=100, save_summary_steps=0)
kept = tf.estimator.RunConfig("./m", 1, 10)
