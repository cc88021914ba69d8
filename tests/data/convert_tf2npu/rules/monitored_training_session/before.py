import tensorflow as tf

with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt, hooks=hooks) as sess:
    sess.run(train_op)
