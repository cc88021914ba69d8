"""ResNet-50 v1.5 training, built like the TensorFlow official / ModelZoo ResNet scripts (tf.layers, graph mode).

v1.5 differs from v1 in where a downsampling bottleneck strides: on its 3×3 convolution, not its first 1×1.
Convolutions carry no bias (batch norm follows each one); batch norm is the fused kernel with momentum 0.9
and epsilon 1e-5; the loss is softmax cross-entropy over 1001 classes plus 1e-4 L2 weight decay on the
convolution and dense weights; the optimizer is momentum 0.9, its step gated on the batch-norm updates.
"""
from __future__ import annotations

from ascend_sim.calibration.workloads.base import Workload, npu_options, synthetic_batches

STAGES = (3, 4, 6, 3)            # bottlenecks per stage
WIDTHS = (64, 128, 256, 512)     # bottleneck widths; each stage outputs 4x
CLASSES = 1001
WEIGHT_DECAY = 1e-4
BN_MOMENTUM, BN_EPSILON = 0.9, 1e-5
DATA_FORMATS = ("channels_last", "channels_first")


def _conv_bn(tf, x, filters, kernel, stride, data_format, relu, name):
    axis = 1 if data_format == "channels_first" else 3
    x = tf.layers.conv2d(x, filters, kernel, stride, padding="same", use_bias=False, data_format=data_format,
                         kernel_initializer=tf.variance_scaling_initializer(), name=f"{name}_conv")
    x = tf.layers.batch_normalization(x, axis=axis, momentum=BN_MOMENTUM, epsilon=BN_EPSILON, training=True,
                                      fused=True, name=f"{name}_bn")
    return tf.nn.relu(x) if relu else x


def _bottleneck(tf, x, width, stride, project, data_format, name):
    shortcut = _conv_bn(tf, x, 4 * width, 1, stride, data_format, False, f"{name}_proj") if project else x
    h = _conv_bn(tf, x, width, 1, 1, data_format, True, f"{name}_a")
    h = _conv_bn(tf, h, width, 3, stride, data_format, True, f"{name}_b")      # v1.5: stride here
    h = _conv_bn(tf, h, 4 * width, 1, 1, data_format, False, f"{name}_c")
    return tf.nn.relu(h + shortcut)


def resnet50_v15(batch: int = 256, image_size: int = 224, stages=STAGES, data_format: str = "channels_last",
                 precision_mode: str = "allow_mix_precision", iterations_per_loop: int = 100,
                 data_sinking: bool = True) -> Workload:
    """ResNet-50 v1.5 training step at ``batch`` images of ``image_size``² (``stages``: bottlenecks per stage;
    fewer give a reduced network with the same layer shapes)."""
    import tensorflow.compat.v1 as tf

    if data_format not in DATA_FORMATS:
        raise ValueError(f"data_format {data_format!r} is invalid; legal values: {', '.join(DATA_FORMATS)}")
    if len(stages) != len(WIDTHS) or any(n < 1 for n in stages):
        raise ValueError(f"stages must be {len(WIDTHS)} positive block counts, got {stages!r}")
    graph = tf.Graph()
    with graph.as_default():
        data = synthetic_batches(tf, {"image": ([image_size, image_size, 3], tf.float32, None),
                                      "label": ([], tf.int32, CLASSES)}, batch)
        x = data["image"]
        if data_format == "channels_first":
            x = tf.transpose(x, [0, 3, 1, 2])
        x = _conv_bn(tf, x, 64, 7, 2, data_format, True, "stem")
        x = tf.layers.max_pooling2d(x, 3, 2, padding="same", data_format=data_format, name="stem_pool")
        for s, (blocks, width) in enumerate(zip(stages, WIDTHS)):
            for b in range(blocks):
                stride = 2 if b == 0 and s > 0 else 1
                x = _bottleneck(tf, x, width, stride, b == 0, data_format, f"stage{s + 1}_block{b + 1}")
        pooled = tf.reduce_mean(x, axis=[2, 3] if data_format == "channels_first" else [1, 2])
        logits = tf.layers.dense(pooled, CLASSES, name="fc")
        cross_entropy = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=data["label"], logits=logits))
        decay = WEIGHT_DECAY * tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables()
                                         if "_bn" not in v.name and "bias" not in v.name])
        loss = cross_entropy + decay
        step = tf.train.get_or_create_global_step()
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss, global_step=step)
    params = dict(batch=batch, image_size=image_size, stages=tuple(stages), data_format=data_format)
    return Workload("resnet50_v15", graph, [train, loss], batch,
                    npu_options(precision_mode, iterations_per_loop, data_sinking), params)
