"""Estimator training (tf_strategy): custom model_fn, RunConfig, train_and_evaluate, a mirrored strategy."""
from npu_bridge.npu_init import *
import tensorflow as tf
from tensorflow import estimator as tf_estimator

FLAGS = {"model_dir": "/tmp/model", "batch_size": 64}


def input_fn(files, training):
    dataset = tf.data.TFRecordDataset(files)
    dataset = dataset.map(parse_example, num_parallel_calls=4)
    if training:
        dataset = dataset.shuffle(1000).repeat()
    return dataset.batch(FLAGS["batch_size"], drop_remainder=True)


def model_fn(features, labels, mode, params):
    logits = tf.layers.dense(features["x"], 10)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    optimizer = npu_distributed_optimizer_wrapper(tf.train.GradientDescentOptimizer(params["lr"]))
    train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
    return tf_estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)


def main():
    strategy = npu_strategy.NPUStrategy()
    session_config = tf.ConfigProto(allow_soft_placement=True)
    run_config = tf_estimator.RunConfig(model_dir=FLAGS["model_dir"], session_config=session_config,
                                        train_distribute=strategy,
                                        save_summary_steps=0)
    classifier = tf_estimator.Estimator(model_fn=model_fn, config=npu_run_config_init(run_config=run_config), params={"lr": 0.1})
    train_spec = tf_estimator.TrainSpec(input_fn=lambda: input_fn(["train.tfrecord"], True), max_steps=1000, hooks=npu_hooks_append())
    eval_spec = tf_estimator.EvalSpec(input_fn=lambda: input_fn(["eval.tfrecord"], False), hooks=npu_hooks_append())
    tf_estimator.train_and_evaluate(classifier, train_spec, eval_spec)
    classifier.train(lambda: input_fn(["train.tfrecord"], True), steps=10, hooks=npu_hooks_append())


if __name__ == "__main__":
    main()
