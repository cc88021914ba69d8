"""npu_bridge.estimator.npu.npu_plugin: validation, the recorded GE option map, saturation mode, RDMA."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf

from npu_bridge import tf_adapter
from npu_bridge.estimator.npu import npu_plugin


@pytest.fixture(autouse=True)
def _clean_plugin():
    yield
    npu_plugin.npu_resource_shutdown()
    npu_plugin.set_device_sat_mode(0)


def test_resource_init_records_the_ge_option_map():
    npu_plugin.npu_resource_init(precision_mode="allow_mix_precision", enable_scope_fusion_passes="ScopeA",
                                 op_compiler_cache_mode="enable", op_compiler_cache_dir="/tmp/cache",
                                 debug_dir="/tmp/debug", aoe_config_file="aoe.json")
    options = tf_adapter.plugin_options()
    assert options["ge.graphRunMode"] == "1"
    assert options["ge.opDebugLevel"] == "0"
    assert options["ge.exec.profilingMode"] == "0"
    assert options["ge.exec.precision_mode"] == "allow_mix_precision"
    assert options["ge.exec.enableScopeFusionPasses"] == "ScopeA"
    assert options["ge.exec.enable_exception_dump"] == "2"
    assert options["ge.op_compiler_cache_mode"] == "enable"
    assert options["ge.op_compiler_cache_dir"] == "/tmp/cache"
    assert options["ge.debugDir"] == "/tmp/debug"
    assert options["ge.hcomMultiMode"] == "0"
    assert options["ge.aoe_config_file"] == "aoe.json"
    assert "ge.exec.profilingOptions" not in options and "ge.jobType" not in options
    npu_plugin.npu_resource_shutdown()
    assert tf_adapter.plugin_options() is None


def test_profiling_needs_options():
    with pytest.raises(ValueError, match="profiling_options"):
        npu_plugin.npu_resource_init(enable_profiling=True)
    npu_plugin.npu_resource_init(enable_profiling=True, profiling_options='{"output":"/tmp"}')
    options = tf_adapter.plugin_options()
    assert options["ge.exec.profilingMode"] == "1"
    assert options["ge.exec.profilingOptions"] == '{"output":"/tmp"}'


def test_aoe_mode_checks_mode_and_work_path(tmp_path):
    with pytest.raises(ValueError, match="aoe_mode must be one of"):
        npu_plugin.npu_resource_init(aoe_mode="3")
    with pytest.raises(ValueError, match="work_path"):
        npu_plugin.npu_resource_init(aoe_mode="2", work_path=str(tmp_path / "missing"))
    npu_plugin.npu_resource_init(aoe_mode="2", work_path=str(tmp_path), distribute_config="cfg")
    options = tf_adapter.plugin_options()
    assert options["ge.jobType"] == "2"
    assert options["ge.tuningPath"] == str(tmp_path.resolve())
    assert options["distribute_config"] == "cfg"


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"graph_run_mode": 2}, ValueError, "graph_run_mode must be 0"),
        ({"graph_run_mode": -1}, ValueError, "graph_run_mode"),
        ({"graph_run_mode": "1"}, TypeError, "graph_run_mode"),
        ({"op_debug_level": 5}, ValueError, "op_debug_level"),
        ({"enable_exception_dump": 3}, ValueError, "enable_exception_dump"),
        ({"precision_mode": "fp64"}, ValueError, "precision_mode must be one of"),
        ({"precision_mode_v2": "fp64"}, ValueError, "precision_mode_v2 must be one of"),
        ({"precision_mode": "force_fp16", "precision_mode_v2": "fp16"}, ValueError, "cannot both be set"),
        ({"op_compiler_cache_mode": "sometimes"}, ValueError, "op_compiler_cache_mode"),
        ({"auto_tune_mode": "XX"}, ValueError, "auto_tune_mode"),
        ({"mstune_mode": "2"}, ValueError, "mstune_mode needs work_path"),
    ],
)
def test_resource_init_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        npu_plugin.npu_resource_init(**kwargs)


def test_legacy_keywords_are_accepted(tmp_path):
    npu_plugin.npu_resource_init(auto_tune_mode="RL,GA", mstune_mode="2", work_path=str(tmp_path))
    options = tf_adapter.plugin_options()
    assert options["ge.autoTuneMode"] == "RL,GA"
    assert options["ge.jobType"] == "2"


def test_check_graph_run_mode():
    npu_plugin.check_graph_run_mode(0)
    npu_plugin.check_graph_run_mode(1)
    with pytest.raises(ValueError):
        npu_plugin.check_graph_run_mode(2)


def test_npu_close_is_idempotent():
    npu_plugin.npu_resource_init()
    npu_plugin.npu_close()
    npu_plugin.npu_close()
    assert tf_adapter.plugin_options() is None


def test_saturation_mode():
    assert npu_plugin.is_inf_nan_enabled() is False
    npu_plugin.set_device_sat_mode(1)
    assert npu_plugin.is_inf_nan_enabled() is True
    assert tf_adapter.GetDeviceSatMode() == 1
    npu_plugin.set_device_sat_mode(0)
    assert npu_plugin.is_inf_nan_enabled() is False
    with pytest.raises(ValueError, match="mode must be one of"):
        npu_plugin.set_device_sat_mode(2)


def test_rdma_pool_and_remote_registration_are_validated_and_recorded():
    npu_plugin.init_rdma_pool(1024)
    npu_plugin.rdma_remote_register([(0, 4096, 64), (8192, 32)])
    assert tf_adapter.rdma_state() == (1024, [(4096, 64), (8192, 32)])
    npu_plugin.rdma_remote_init([(1, 100, 10)], 2048)
    assert tf_adapter.rdma_state() == (2048, [(100, 10)])
    with pytest.raises(ValueError, match="mem_size"):
        npu_plugin.init_rdma_pool(0)
    with pytest.raises(ValueError, match="remote_var_list must be a list"):
        npu_plugin.rdma_remote_register("x")
    with pytest.raises(ValueError, match="var_size must be a non-negative int"):
        npu_plugin.rdma_remote_init([(1, 100, -1)], 10)


def test_functions_needing_device_memory_raise_naming_themselves():
    with pytest.raises(RuntimeError, match="get_var_addr_and_size"):
        npu_plugin.get_var_addr_and_size("w")
    with pytest.raises(RuntimeError, match="malloc_shared_memory"):
        npu_plugin.malloc_shared_memory("w", [2, 3], tf_adapter.DT_FLOAT)
    with pytest.raises(ValueError, match="var_name"):
        npu_plugin.get_var_addr_and_size(3)


def test_get_rdma_cache_creates_a_zero_variable_in_npu_memory():
    with tf.Graph().as_default() as g:
        cache = npu_plugin.get_rdma_cache(tf.float32, [2, 3])
        assert cache.op.name == "rdma_w"
        assert g.get_operation_by_name("rdma_w").get_attr("_output_memory_type") == 1
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(cache), np.zeros([2, 3]))
