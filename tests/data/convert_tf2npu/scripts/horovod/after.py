"""Horovod data-parallel training with MonitoredTrainingSession (horovod's own example, condensed)."""
from npu_bridge.npu_init import *
import os

import tensorflow as tf


def main(_):
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    dataset = dataset.shard(int(os.getenv('RANK_SIZE', '1')), int(os.getenv('RANK_ID', '0'))).repeat().batch(128, drop_remainder=True)
    image, label = tf.compat.v1.data.make_one_shot_iterator(dataset).get_next()
    loss = build_model(image, label)
    opt = tf.train.RMSPropOptimizer(0.001 * get_npu_rank_size())
    opt = npu_distributed_optimizer_wrapper(opt)
    global_step = tf.train.get_or_create_global_step()
    train_op = opt.minimize(loss, global_step=global_step)
    hooks = [
        NPUBroadcastGlobalVariablesHook(0, int(os.getenv('RANK_ID', '0'))),
        tf.train.StopAtStepHook(last_step=20000 // get_npu_rank_size()),
    ]
    config = tf.ConfigProto()
    config.gpu_options.allow_growth = True
    config.gpu_options.visible_device_list = str(get_npu_local_rank_id())
    checkpoint_dir = "./checkpoints" if get_npu_rank_id() == 0 else None
    with tf.train.MonitoredTrainingSession(checkpoint_dir=checkpoint_dir, hooks=hooks, config=npu_config_proto(config_proto=config)) as sess:
        while not sess.should_stop():
            sess.run(train_op)


if __name__ == "__main__":
    (npu_sess, npu_shutdown) = init_resource()
    try:
        tf.app.run()
    finally:
        shutdown_resource(npu_sess, npu_shutdown)
        close_session(npu_sess)
