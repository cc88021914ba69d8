import tensorflow as tf

config = tf.estimator.RunConfig(model_dir="m", train_distribute=strategy, save_summary_steps=0)
