"""npu_bridge.tf_adapter: the SWIG module stand-in's constants, types and recorded state."""
import pytest

from npu_bridge import tf_adapter


def test_option_constants_are_ge_strings():
    assert tf_adapter.OPTION_GRAPH_RUN_MODE == "ge.graphRunMode"
    assert tf_adapter.OP_DEBUG_LEVEL == "ge.opDebugLevel"
    assert tf_adapter.OPTION_EXEC_PROFILING_MODE == "ge.exec.profilingMode"
    assert tf_adapter.OPTION_EXEC_PROFILING_OPTIONS == "ge.exec.profilingOptions"
    assert tf_adapter.OPTION_EXEC_ENABLE_SCOPE_FUSION_PASSES == "ge.exec.enableScopeFusionPasses"
    assert tf_adapter.OPTION_EXEC_HCCL_FLAG == "ge.exec.hcclFlag"


def test_data_type_enum():
    assert (tf_adapter.DT_FLOAT, tf_adapter.DT_FLOAT16, tf_adapter.DT_INT32, tf_adapter.DT_INT64) == (0, 1, 3, 9)
    assert (tf_adapter.DT_INT16, tf_adapter.DT_BOOL, tf_adapter.DT_STRING) == (6, 12, 13)


def test_map_string_string_is_a_str_dict():
    m = tf_adapter.map_string_string({"a": "1"})
    m["b"] = "2"
    assert isinstance(m, dict) and dict(m) == {"a": "1", "b": "2"}
    with pytest.raises(TypeError, match="str"):
        m["c"] = 3
    with pytest.raises(TypeError):
        tf_adapter.map_string_string({"x": 1})


def test_vectors_and_records():
    vec = tf_adapter.int64_vec([1, 2])
    vec.append(3)
    assert list(vec) == [1, 2, 3]
    with pytest.raises(TypeError):
        vec.append(1.5)
    infos = tf_adapter.var_info_vec()
    info = tf_adapter.HostVarInfo()
    info.base_addr, info.var_size = 10, 20
    infos.append(info)
    with pytest.raises(TypeError):
        infos.append((10, 20))
    assert tf_adapter.RegistRdmaRemoteAddr(infos) == 0
    tensor_info = tf_adapter.TensorInfo()
    tensor_info.var_name = "w"
    assert tf_adapter.MallocSharedMem(tensor_info)[0] != 0
    assert tf_adapter.GetVarAddrAndSize("w")[0] != 0


def test_plugin_init_finalize_close():
    tf_adapter.PluginInit(tf_adapter.map_string_string({"ge.graphRunMode": "1"}))
    assert tf_adapter.plugin_options() == {"ge.graphRunMode": "1"}
    tf_adapter.PluginFinalize()
    tf_adapter.PluginFinalize()
    assert tf_adapter.plugin_options() is None
    tf_adapter.NpuClose()
    tf_adapter.NpuClose()


def test_sat_mode_is_unsigned():
    with pytest.raises(TypeError):
        tf_adapter.SetDeviceSatMode(-1)
    previous = tf_adapter.GetDeviceSatMode()
    tf_adapter.SetDeviceSatMode(1)
    assert tf_adapter.GetDeviceSatMode() == 1
    tf_adapter.SetDeviceSatMode(previous)
