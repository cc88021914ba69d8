"""npu_scope: every attribute scope stamps its attribute on ops built inside, and only there."""
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge.estimator.npu import npu_scope
from npu_bridge.estimator.npu.npu_config import NpuExecutePlacement

SCOPES = [
    (npu_scope.without_npu_compile_scope, (), {"_without_npu_compile": True}),
    (npu_scope.npu_variable_scope, (NpuExecutePlacement.HOST,), {"_variable_placement": b"host"}),
    (npu_scope.npu_variable_scope, (), {"_variable_placement": b"all"}),
    (npu_scope.keep_dtype_scope, (), {"_keep_dtype": 1}),
    (npu_scope.npu_stage_scope, (3,), {"_stage_level": 3}),
    (npu_scope.npu_mem_type_scope, (), {"_output_memory_type": 1}),
    (npu_scope.npu_weight_prefetch_scope, (), {"_buffer_pool_id": 0, "_buffer_pool_size": 536870912}),
    (npu_scope.npu_weight_prefetch_scope, (1, 1024), {"_buffer_pool_id": 1, "_buffer_pool_size": 1024}),
    (npu_scope.op_specified_engine_scope, ("AIcoreEngine", "AIcoreLib"),
     {"_specified_engine_name": b"AIcoreEngine", "_specified_kernel_lib_name": b"AIcoreLib"}),
    (npu_scope.npu_qos_label_scope, (5,), {"_qos_service_label": 5}),
    (npu_scope.subgraph_multi_dims_scope, (2,), {"_subgraph_multi_dims_index": 2}),
    (npu_scope.npu_optimizer_scope, (), {"_optimizer": True}),
]


@pytest.mark.parametrize("scope,args,attrs", SCOPES, ids=[s[0].__name__ for s in SCOPES])
def test_attribute_scope_stamps_ops_inside_only(scope, args, attrs):
    with tf.Graph().as_default():
        before = tf.constant(1.0, name="before")
        with scope(*args):
            inside = tf.square(before, name="inside")
        after = tf.identity(inside, name="after")
        for name, value in attrs.items():
            assert inside.op.get_attr(name) == value
            for outside in (before, after):
                with pytest.raises(ValueError):
                    outside.op.get_attr(name)


def test_npu_variable_scope_rejects_non_members():
    with pytest.raises(ValueError, match="NpuExecutePlacement"):
        with npu_scope.npu_variable_scope("host"):
            pass


def test_recompute_and_graph_slice_are_name_scopes():
    with tf.Graph().as_default():
        with npu_scope.npu_recompute_scope():
            a = tf.constant(1.0, name="a")
        with npu_scope.npu_graph_slice_scope(4):
            b = tf.constant(1.0, name="b")
        with npu_scope.npu_graph_slice_scope():
            c = tf.constant(1.0, name="c")
    assert a.op.name == "NpuRecompute/a"
    assert b.op.name == "SliceNum-4-NpuGraphSlicing4/b"
    assert c.op.name == "SliceNum-None-NpuGraphSlicingNone/c"


@pytest.mark.parametrize("bad,error", [(0, ValueError), ("2", TypeError)])
def test_graph_slice_number_is_checked(bad, error):
    with pytest.raises(error, match="slice_num"):
        npu_scope.npu_graph_slice_scope(bad)
