"""The emulated op module: TensorFlow's wrapper names, every op builds and is tagged, unknown names are refused."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge._ops import defs_device, registry
from npu_bridge.helper import helper

gen = helper.get_gen_ops()


def tf_wrapper_name(op_type):
    """Twin of TensorFlow's C++ rule (python_op_gen ``GenerateLowerCaseOpName``): an underscore goes before an
    upper-case letter that follows a lower-case one or precedes one (digits count as neither)."""
    out = []
    for i, ch in enumerate(op_type):
        if ch.isupper() and i > 0:
            nxt = op_type[i + 1] if i + 1 < len(op_type) else ""
            if nxt.islower() or op_type[i - 1].islower():
                out.append("_")
        out.append(ch.lower())
    return "".join(out)


@pytest.mark.parametrize("op_type,expected", [
    ("DropOutGenMask", "drop_out_gen_mask"), ("HcomAllReduce", "hcom_all_reduce"), ("NPUInit", "npu_init"),
    ("PRelu", "p_relu"), ("DynamicAUGRU", "dynamic_augru"), ("HcomAllToAllVC", "hcom_all_to_all_vc"),
    ("BasicLSTMCellCStateGrad", "basic_lstm_cell_c_state_grad"), ("LRUCacheV2", "lru_cache_v2"),
    ("KMeansCentroidsV2", "k_means_centroids_v2"), ("DPOP", "dpop"), ("Conv2DBackpropInput", "conv2d_backprop_input"),
])
def test_twin_reproduces_tensorflow_special_cases(op_type, expected):
    assert tf_wrapper_name(op_type) == expected


@pytest.mark.parametrize("op_type", registry.registered_op_types())
def test_wrapper_name_is_tensorflows_snake_case(op_type):
    name = registry.lookup(op_type).python_name()
    assert name == tf_wrapper_name(op_type)
    assert callable(getattr(gen, name))


def test_unknown_wrapper_attribute_raises_attribute_error_listing_names():
    with pytest.raises(AttributeError, match=r"no op wrapper 'no_such_op'; available: .*drop_out_gen_mask.*gelu"):
        gen.no_such_op  # pylint: disable=pointless-statement


def test_unknown_op_type_lookup_lists_known_types():
    with pytest.raises(KeyError, match="unknown NPU op type 'NoSuchOp'; registered op types: .*Gelu"):
        registry.lookup("NoSuchOp")


def _f(*shape, value=0.5):
    return tf.fill(list(shape), value)


def _lstm_outs():
    return gen.dynamic_rnn_v2(_f(2, 1, 3), _f(5, 8, value=0.1), _f(8), _f(1, 1, 2), _f(1, 1, 2), "LSTM",
                              "UNIDIRECTIONAL", "tanh")


def _gru_outs():
    return gen.dynamic_gru_v2(_f(2, 1, 3), _f(3, 6), _f(2, 6), _f(6), _f(6), tf.constant([2]), _f(1, 2),
                              "UNIDIRECTIONAL", "tanh", "zrh")


def _augru_outs():
    return gen.dynamic_augru(_f(2, 1, 3), _f(3, 6), _f(2, 6), _f(2, 1), _f(6), _f(6), tf.constant([2]), _f(1, 2),
                             "UNIDIRECTIONAL", "tanh", "zrh")


# One valid call per emulated op (ops of the modules listed in COVERED must all appear here).
SAMPLES = {
    "Gelu": lambda: gen.gelu(_f(3)),
    "GeluGrad": lambda: gen.gelu_grad(_f(3), _f(3), _f(3)),
    "FastGelu": lambda: gen.fast_gelu(_f(3)),
    "FastGeluV2": lambda: gen.fast_gelu_v2(_f(3)),
    "FastGeluGrad": lambda: gen.fast_gelu_grad(_f(3), _f(3)),
    "DropOutGenMask": lambda: gen.drop_out_gen_mask([4, 4], 0.5),
    "DropOutGenMaskV3": lambda: gen.drop_out_gen_mask_v3([4, 4], 0.5),
    "DropOutGenMaskV4": lambda: gen.drop_out_gen_mask_v4([4, 4], 0.5),
    "DropOutDoMask": lambda: gen.drop_out_do_mask(_f(4), tf.fill([16], tf.constant(255, tf.uint8)), 0.5),
    "DropOutDoMaskV3": lambda: gen.drop_out_do_mask_v3(_f(4), tf.fill([16], tf.constant(255, tf.uint8)), 0.5),
    "NPUInit": lambda: gen.npu_init(),
    "NPUShutdown": lambda: gen.npu_shutdown(),
    "NpuAllocFloatStatus": lambda: gen.npu_alloc_float_status(),
    "NpuGetFloatStatus": lambda: gen.npu_get_float_status(_f(8)),
    "NpuClearFloatStatus": lambda: gen.npu_clear_float_status(_f(8)),
    "NpuGetFloatStatusV2": lambda: gen.npu_get_float_status_v2(),
    "NpuClearFloatStatusV2": lambda: gen.npu_clear_float_status_v2(),
    "LARS": lambda: gen.lars([_f(3)], [_f(3)], 0.1),
    "LarsV2": lambda: gen.lars_v2(_f(3), _f(3), 0.1, 0.1),
    "AdamApplyOneAssign": lambda: gen.adam_apply_one_assign(
        _f(2), tf.Variable(_f(2)), tf.Variable(_f(2)), tf.Variable(_f(2)), 0.1, 0.9, 0.1, 0.99, 0.01, 1e-8),
    "AdamApplyOneWithDecayAssign": lambda: gen.adam_apply_one_with_decay_assign(
        _f(2), tf.Variable(_f(2)), tf.Variable(_f(2)), tf.Variable(_f(2)), 0.1, 0.9, 0.1, 0.99, 0.01, 0.01, 1e-8),
    "BasicLSTMCell": lambda: gen.basic_lstm_cell(_f(1, 3), _f(1, 2), _f(1, 2), _f(5, 8), _f(8)),
    "BasicLSTMCellCStateGrad": lambda: gen.basic_lstm_cell_c_state_grad(*[_f(1, 2)] * 8),
    "BasicLSTMCellWeightGrad": lambda: gen.basic_lstm_cell_weight_grad(_f(1, 3), _f(1, 2), _f(1, 8)),
    "BasicLSTMCellInputGrad": lambda: gen.basic_lstm_cell_input_grad(_f(1, 8), _f(5, 8)),
    "DynamicRnn": lambda: gen.dynamic_rnn(_f(2, 1, 3), _f(5, 8), _f(8), tf.constant([1]), _f(1, 1, 2), _f(1, 1, 2),
                                          "LSTM", "UNIDIRECTIONAL", "tanh"),
    "DynamicRnnV2": _lstm_outs,
    "DynamicRnnGrad": lambda: (lambda o: gen.dynamic_rnn_grad(
        _f(2, 1, 3), _f(5, 8), _f(8), o[0], _f(1, 1, 2), _f(1, 1, 2), o[1], o[2], o[0], o[1][-1], o[2][-1], *o[3:],
        "LSTM", "UNIDIRECTIONAL"))(_lstm_outs()),
    "DynamicGruV2": _gru_outs,
    "DynamicGruV2Grad": lambda: (lambda o: gen.dynamic_gru_v2_grad(
        _f(2, 1, 3), _f(3, 6), _f(2, 6), o[0], _f(1, 2), o[1], o[0], o[1], *o[2:], tf.constant([2]),
        "UNIDIRECTIONAL", "zrh"))(_gru_outs()),
    "DynamicAUGRU": _augru_outs,
    "DynamicAUGRUGrad": lambda: (lambda o: gen.dynamic_augru_grad(
        _f(2, 1, 3), _f(3, 6), _f(2, 6), _f(2, 1), o[0], _f(1, 2), o[1], o[0], o[1], *o[2:], tf.constant([2]),
        "UNIDIRECTIONAL", "zrh"))(_augru_outs()),
    "ScatterElements": lambda: gen.scatter_elements(_f(3), tf.constant([1]), _f(1)),
    "ScatterElementsV2": lambda: gen.scatter_elements_v2(_f(3), tf.constant([1]), _f(1), reduction="add"),
    "KMeansCentroids": lambda: gen.k_means_centroids(_f(4, 2), _f(2, 2), _f(1, 2), _f(4, 1), True),
    "KMeansCentroidsV2": lambda: gen.k_means_centroids_v2(_f(4, 2), _f(2, 2), _f(1, 2)),
    "Centralization": lambda: gen.centralization(_f(2, 3), [1]),
    "PRelu": lambda: gen.p_relu(_f(2, 3), _f(3)),
    "PReluGrad": lambda: gen.p_relu_grad(_f(2, 3), _f(2, 3), _f(3)),
    "NonZero": lambda: gen.non_zero(_f(2, 3)),
    "NonZeroWithValue": lambda: gen.non_zero_with_value(_f(2, 3)),
    "FusedLayerNorm": lambda: gen.fused_layer_norm(_f(2, 3), _f(3), _f(3), 1, 1),
    "FusedLayerNormGrad": lambda: gen.fused_layer_norm_grad(_f(2, 3), _f(2, 3), _f(2, 1), _f(2, 1), _f(3)),
    "GetShape": lambda: gen.get_shape(_f(2, 3)),
    "AscendQuant": lambda: gen.ascend_quant(_f(3), 2.0, 0.0),
    "AscendWeightQuant": lambda: gen.ascend_weight_quant(tf.constant([1], tf.int8), tf.constant([0], tf.int8),
                                                         tf.float32),
    "AscendDequant": lambda: gen.ascend_dequant(_f(1, 2, 2, 3), tf.constant([1065353216], tf.uint64), [1, 1]),
    "AscendAntiQuant": lambda: gen.ascend_anti_quant(_f(3), 0.5, 0.0),
    "LogTimeStamp": lambda: gen.log_time_stamp("mark", False),
    "OutfeedEnqueueOp": lambda: gen.outfeed_enqueue_op([_f(2)], "registry_test"),
    "OutfeedDequeueOp": lambda: gen.outfeed_dequeue_op("registry_test", [tf.float32], [[2]]),
    "GetNext": lambda: gen.get_next([tf.float32], [[2]], "registry_test"),
}
COVERED = {"npu_bridge._ops." + m for m in ("defs_activation", "defs_dropout", "defs_system", "defs_lstm", "defs_gru",
                                             "defs_optim", "defs_misc_aicore", "defs_quant", "defs_device")}


def test_samples_cover_every_op_of_the_covered_modules():
    ops = {t for t in registry.registered_op_types() if registry.lookup(t).build.__module__ in COVERED}
    missing = ops - set(SAMPLES) - set(defs_device.NOT_EMULATED)
    assert not missing, f"add a sample call for {sorted(missing)}"


def _flatten(result):
    if isinstance(result, (list, tuple)):
        return [t for r in result for t in _flatten(r)]
    return [result]


@pytest.mark.parametrize("op_type", sorted(SAMPLES))
def test_every_emulated_op_builds_and_is_tagged(op_type):
    with tf.Graph().as_default() as graph:
        before = {op.name for op in graph.get_operations()}
        prepared = SAMPLES[op_type]
        result = prepared()
        nodes = {(t if isinstance(t, tf.Operation) else t.op) for t in _flatten(result)}
        tagged = [n for n in graph.get_operations() if n.node_def.attr["_ascend_op_type"].s == op_type.encode()]
        assert len(tagged) == 1, f"{op_type}: {len(tagged)} nodes tagged"
        assert nodes == {tagged[0]}, f"{op_type}: the results are not the tagged node's outputs"
        instance = tagged[0].node_def.attr["_ascend_composite"].s.decode()
        assert instance
        inner = [op for op in graph.get_operations()
                 if op.name.startswith(instance + "/") and op.name not in before]
        assert all(op.node_def.attr["_ascend_composite"].s == instance.encode() for op in inner)


def test_op_node_records_its_attributes_as_json():
    import json

    from npu_bridge._ops import gen_ops
    from npu_bridge._ops.registry import ASCEND_ATTRS_ATTR

    with tf.Graph().as_default():
        mask = gen_ops.drop_out_gen_mask([4, 32], 0.9, seed=5, seed2=7, name="mask")
        attrs = json.loads(mask.op.get_attr(ASCEND_ATTRS_ATTR).decode())
        assert mask.op.name == "mask" and attrs == {"seed": 5, "seed2": 7}
        v4 = gen_ops.drop_out_gen_mask_v4([4], 0.5)
        assert json.loads(v4.op.get_attr(ASCEND_ATTRS_ATTR).decode())["dtype"] == "bool"


def test_second_instance_gets_a_unique_upstream_style_name():
    from npu_bridge._ops import gen_ops

    with tf.Graph().as_default():
        x = tf.constant([1.0, -1.0])
        assert gen_ops.gelu(x).name == "Gelu:0"
        assert gen_ops.gelu(x).name == "Gelu_1:0"


def test_gradient_reads_a_resource_variable_input_outside_the_composite():
    # the gradient reads the op's real inputs; a variable read made inside the op's scope would be an inner node
    # of the composite read from outside it (the lowering then has to substitute the op's output for it)
    from npu_bridge._ops import gen_ops

    with tf.Graph().as_default() as graph:
        w = tf.get_variable("w", initializer=tf.constant([[0.5, -1.0]]), use_resource=True)
        y = gen_ops.gelu(w)
        (dw,) = tf.gradients(tf.reduce_sum(y), [w])
        instance = y.op.node_def.attr["_ascend_composite"].s.decode()
        inner = [op for op in graph.get_operations() if op.node_def.attr["_ascend_composite"].s == instance.encode()]
        outside_readers = {t.op.name for op in graph.get_operations() if op not in inner for t in op.inputs}
        leaked = [op.name for op in inner if op is not y.op and op.name in outside_readers]
        assert dw is not None and leaked == []


def test_wrappers_compute_eagerly_without_the_tf1_runtime():
    import subprocess
    import sys

    from testsupport.scripts import ROOT, UPSTREAM_ENV

    code = (
        "import tensorflow as tf\n"
        "from npu_bridge._ops import gen_ops\n"
        "assert tf.executing_eagerly()\n"
        "y = gen_ops.gelu(tf.constant([0.0, 1.0]))\n"
        "print('GELU', [round(float(v), 4) for v in y.numpy()])\n"
    )
    env = dict(UPSTREAM_ENV, PYTHONPATH=str(ROOT), ASCEND_SIM_NO_TF1_RUNTIME="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "GELU [0.0, 0.8412]" in out.stdout
