"""String formats the adapter checks: dump_step, device lists, dynamic-dims shapes, shape ranges, accelerate mode."""
import pytest

from ascend_sim.options.formats import FORMATS, MAX_DUMP_STEP_ITEMS, dump_steps


def _ok(name, text):
    return FORMATS[name][0](text) is None


def test_dump_steps_parse_into_inclusive_ranges():
    assert dump_steps("0|5-8|10") == ((0, 0), (5, 8), (10, 10))
    assert dump_steps(" 3 ") == ((3, 3),)


@pytest.mark.parametrize("text, word", [("8-5", "N < M"), ("5-5", "N < M"), ("a", "not N or N-M"),
                                        ("1||2", "not N or N-M"), ("-1", "not N or N-M")])
def test_bad_dump_steps(text, word):
    with pytest.raises(ValueError, match=word):
        dump_steps(text)


def test_at_most_100_dump_step_items():
    items = [str(n) for n in range(MAX_DUMP_STEP_ITEMS)]
    assert len(dump_steps("|".join(items))) == MAX_DUMP_STEP_ITEMS
    with pytest.raises(ValueError, match=str(MAX_DUMP_STEP_ITEMS)):
        dump_steps("|".join(items + ["100"]))


@pytest.mark.parametrize("name, text, ok", [
    ("device_list", "0,1", True), ("device_list", "0,1,2,3,4,5,6,7", True), ("device_list", "3", True),
    ("device_list", "0,,1", False), ("device_list", "a,b", False), ("device_list", "0,1,", False),
    ("input_shape", "data:-1,3;label:-1", True), ("input_shape", "x:1,224,224,3", True),
    ("input_shape", "data", False), ("input_shape", "data:1,a", False),
    ("dynamic_dims", "1,1;8,8", True), ("dynamic_dims", "4", True), ("dynamic_dims", "-1,2", False),
    ("dynamic_dims", "1;;2", False),
    # the four dynamic_inputs_shape_range values of the reference's corpus (§10.5)
    ("shape_range", "getnext:[1,1024,1024,3],[1,1~2048,4],[1]", True),
    ("shape_range", "getnext:[16,1024,1024,3],[16,1~2048,4],[16]", True),
    ("shape_range", "data:[1~200,200],[1~200,810,80],[1~200,810,1025]", True),
    ("shape_range", "data:[1,20~800,20~800,3],[],[1,20~800,20~800,3]", True),
    ("shape_range", "data:[-1,3];getnext:[2,3]", True),
    ("shape_range", "feed:[1,2]", False), ("shape_range", "data:1,2", False), ("shape_range", "data:[1~]", False),
    ("accelerate_train_mode", "fast|step|0.5", True), ("accelerate_train_mode", "fast1|loss|1.2", True),
    ("accelerate_train_mode", "fast|step", True), ("accelerate_train_mode", "fast|step|0.95", False),
    ("accelerate_train_mode", "fast|loss|1.6", False), ("accelerate_train_mode", "slow|step|0.5", False),
    ("accelerate_train_mode", "fast|epoch|0.5", False), ("accelerate_train_mode", "fast|step|x", False),
    ("accelerate_train_mode", "fast", False),
])
def test_formats(name, text, ok):
    assert _ok(name, text) is ok
