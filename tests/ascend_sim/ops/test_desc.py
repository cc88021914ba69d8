"""TensorDesc / OpInstance: the lowering → cost contract (validation, storage sizes, frozen attrs)."""
import pytest

from ascend_sim import hw
from ascend_sim.ops.cost import CostError
from ascend_sim.ops.desc import DescError, OpInstance, TensorDesc as T

HW = hw.load()


def test_shape_must_be_static_non_negative_ints():
    assert T([2, 3]).shape == (2, 3) and T(()).elems == 1
    for bad in ((2, -1), (2, None), (2.0, 3), (True,)):
        with pytest.raises(DescError, match="static ints"):
            T(bad)
    with pytest.raises(DescError, match="sequence of ints"):
        T(5)


def test_format_and_origin_format_are_checked_and_named():
    with pytest.raises(DescError, match=r"format 'NCHW16' is unknown; formats: ND, .*FRACTAL_NZ"):
        T((1, 2), format="NCHW16")
    with pytest.raises(DescError, match="origin_format 'NHCW' is unknown"):
        T((1, 2, 3, 4), origin_format="NHCW")
    with pytest.raises(DescError, match="rank 3 but origin_format 'NHWC' has 4 axes"):
        T((1, 2, 3), origin_format="NHWC")


def test_bytes_use_the_dtype_and_storage_pads_to_the_format():
    x = T((8, 7, 7, 17), "float16", "NC1HWC0", "NHWC")
    assert x.nbytes() == 8 * 7 * 7 * 17 * 2
    assert x.storage_shape(HW) == (8, 2, 7, 7, 16) and x.storage_bytes(HW) == 8 * 32 * 49 * 2
    with pytest.raises(CostError, match="unknown dtype 'string'"):
        T((3,), "string").nbytes()
    with pytest.raises(DescError, match="NC1HWC0 needs a 4-D origin shape"):
        T((2, 3, 4), format="NC1HWC0").storage_shape(HW)


def test_op_instance_freezes_attrs_and_checks_its_tensors():
    node = OpInstance("Conv2D", [T((1, 8, 8, 16), origin_format="NHWC")], [], {"strides": [1, 2, 2, 1],
                                                                            "nested": {"a": [1]}})
    assert node.attrs["strides"] == (1, 2, 2, 1) and node.attrs["nested"]["a"] == (1,)
    assert isinstance(node.inputs, tuple) and hash(node) == hash(node)
    assert node.attr("transpose_x1", "strides") == (1, 2, 2, 1) and node.attr("missing", default=3) == 3
    with pytest.raises(DescError, match=r"Conv2D: inputs\[0\] must be a TensorDesc"):
        OpInstance("Conv2D", [(1, 2)])
    with pytest.raises(DescError, match="op_type must be a non-empty string"):
        OpInstance("")
    with pytest.raises(DescError, match="fused_from.*must hold OpInstances"):
        OpInstance("F", attrs={"fused_from": ["Conv2D"]})
    part = OpInstance("Relu", (T((4,)),), (T((4,)),))
    assert OpInstance("F", attrs={"fused_from": [part]}).fused_from == (part,)
