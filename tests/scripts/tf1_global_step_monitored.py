"""TF 1.15 global step: get_or_create_global_step, exponential_decay on it, MonitoredTrainingSession with
StopAtStepHook and checkpoints; a second session resumes from the checkpoint's global step."""
import json
import os

import tensorflow as tf
import npu_bridge  # noqa: F401


def build():
    gs = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.4, gs, decay_steps=10, decay_rate=0.5, staircase=True)
    w = tf.get_variable("w", [], initializer=tf.zeros_initializer())
    loss = tf.square(w - 2.0)
    train_op = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=gs)
    return gs, lr, w, train_op


def run_until(checkpoint_dir, last_step):
    with tf.Graph().as_default():
        gs, lr, w, train_op = build()
        seen = []
        hooks = [tf.train.StopAtStepHook(last_step=last_step)]
        with tf.train.MonitoredTrainingSession(checkpoint_dir=checkpoint_dir, hooks=hooks,
                                               save_checkpoint_steps=5, save_summaries_steps=None,
                                               log_step_count_steps=None) as sess:
            while not sess.should_stop():
                seen.append(int(sess.run(gs)))
                sess.run(train_op)
        info = {"first_seen": seen[0], "steps_run": len(seen)}
        with tf.Session() as plain:
            tf.train.Saver().restore(plain, tf.train.latest_checkpoint(checkpoint_dir))
            info.update(global_step=int(plain.run(gs)), lr=float(plain.run(lr)), w=float(plain.run(w)))
        info.update(collection=[v.name for v in tf.get_collection(tf.GraphKeys.GLOBAL_STEP)],
                    dtype=gs.dtype.base_dtype.name, trainable=gs in tf.trainable_variables())
        return info


def main():
    checkpoint_dir = os.path.join(os.getcwd(), "train")
    first = run_until(checkpoint_dir, 12)
    second = run_until(checkpoint_dir, 25)
    with tf.Graph().as_default():
        legacy = tf.Variable(0, trainable=False, name="global_step")
        found = tf.train.get_global_step()
    print("RESULT " + json.dumps({"first": first, "second": second, "legacy_found": found.name,
                                  "checkpoints": sorted(os.path.basename(p) for p in tf.train.get_checkpoint_state(
                                      checkpoint_dir).all_model_checkpoint_paths)}))


if __name__ == "__main__":
    main()
