import tensorflow as tf

with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt, hooks=hooks, config=cfg) as sess:
    sess.run(train_op)
