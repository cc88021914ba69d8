import tensorflow as tf
import horovod.tensorflow as hvd


def main(_):
    print(hvd.rank())


if __name__ == "__main__":
    tf.app.run()
