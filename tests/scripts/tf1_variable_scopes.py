"""TF 1.15 variable scopes: get_variable, reuse=True, AUTO_REUSE, reuse_variables(), make_template,
name_scope vs variable_scope naming, custom getters, regularizers collected in REGULARIZATION_LOSSES."""
import json

import tensorflow as tf
import npu_bridge  # noqa: F401


def layer(x, units):
    w = tf.get_variable("w", [x.shape[-1].value, units], initializer=tf.ones_initializer(),
                        regularizer=lambda t: 0.5 * tf.reduce_sum(tf.square(t)))
    return tf.matmul(x, w)


def main():
    x = tf.ones([2, 3])
    with tf.variable_scope("net"):
        a = layer(x, 4)
    with tf.variable_scope("net", reuse=True):
        b = layer(x, 4)
    with tf.variable_scope("auto", reuse=tf.AUTO_REUSE):
        c1 = layer(x, 2)
    with tf.variable_scope("auto", reuse=tf.AUTO_REUSE):
        c2 = layer(x, 2)
    with tf.variable_scope("manual") as scope:
        layer(x, 5)
        scope.reuse_variables()
        layer(x, 5)
    reuse_error = None
    try:
        with tf.variable_scope("net"):
            layer(x, 4)
    except ValueError as e:
        reuse_error = str(e).split(".")[0]

    template = tf.make_template("tmpl", lambda t: layer(t, 1))
    template(x)
    template(x)

    with tf.name_scope("outer_ns"):
        ns_var = tf.get_variable("ns_var", [1])
        ns_op = tf.identity(x, name="ns_op")
    with tf.variable_scope("outer_vs"):
        vs_var = tf.get_variable("vs_var", [1])
        vs_op = tf.identity(x, name="vs_op")

    def doubling_getter(getter, name, *args, **kwargs):
        return 2.0 * getter(name, *args, **kwargs)

    with tf.variable_scope("custom", custom_getter=doubling_getter):
        doubled = tf.get_variable("v", [1], initializer=tf.constant_initializer(3.0))

    reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same = bool((sess.run(a) == sess.run(b)).all() and (sess.run(c1) == sess.run(c2)).all())
        reg_total, doubled_value = sess.run([tf.losses.get_regularization_loss(), doubled])
    print("RESULT " + json.dumps({
        "variables": sorted(v.name for v in tf.global_variables()),
        "same_outputs": same, "reuse_error": reuse_error,
        "ns_var": ns_var.name, "ns_op": ns_op.name, "vs_var": vs_var.name, "vs_op": vs_op.name,
        "regularization_losses": len(reg_losses), "regularization_total": float(reg_total),
        "custom_getter_value": float(doubled_value[0]),
        "scope_name": tf.get_variable_scope().name,
    }))


if __name__ == "__main__":
    main()
