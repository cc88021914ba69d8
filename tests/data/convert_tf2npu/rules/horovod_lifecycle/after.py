from npu_bridge.npu_init import *
import tensorflow as tf


def main(_):
    print(get_npu_rank_id())


if __name__ == "__main__":
    (npu_sess, npu_shutdown) = init_resource()
    try:
        tf.app.run()
    finally:
        shutdown_resource(npu_sess, npu_shutdown)
        close_session(npu_sess)
