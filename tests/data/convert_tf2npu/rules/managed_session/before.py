import tensorflow as tf

sv = tf.train.Supervisor(logdir="/tmp/sv")
with sv.managed_session(config=session_config) as sess:
    sess.run(train_op)
