"""Reading and checking one option value: kinds, empty strings, and errors that list the legal values."""
import pytest

from ascend_sim.options import BY_KEY, KEYS, NpuOptions
from ascend_sim.options.values import coerce, legal_values

CHOICE_KEYS = sorted(spec.key for spec in KEYS if spec.choices)
RANGE_KEYS = sorted(spec.key for spec in KEYS if spec.low is not None)
# key → a malformed value for each string format the adapter checks
MALFORMED = {"dump_step": "5-3", "local_device_list": "0;1", "input_shape": "data", "dynamic_dims": "1,a",
             "dynamic_inputs_shape_range": "data:1,2", "experimental_accelerate_train_mode": "fast|step|0.95"}
GATES = {"dump_step": {"enable_dump": True, "dump_path": "."}, "dump_mode": {"enable_dump": True, "dump_path": "."},
         "dump_debug_mode": {"enable_dump_debug": True, "dump_path": "."},
         "dynamic_graph_execute_mode": {"dynamic_input": True}, "dynamic_inputs_shape_range": {"dynamic_input": True}}


def _bad_choice(spec):
    return 99 if spec.kind == "int" else "not_a_legal_value"


@pytest.mark.parametrize("key", CHOICE_KEYS)
def test_an_illegal_choice_lists_every_legal_value(key):
    spec = BY_KEY[key]
    with pytest.raises(ValueError) as err:
        NpuOptions.from_parameter_map({key: _bad_choice(spec), **GATES.get(key, {})}, check_paths=False)
    message = str(err.value)
    assert key in message and repr(_bad_choice(spec)) in message
    for choice in spec.choices:
        assert str(choice) in message


@pytest.mark.parametrize("key", RANGE_KEYS)
def test_a_value_below_the_range_is_refused(key):
    spec = BY_KEY[key]
    with pytest.raises(ValueError, match=f"{key}.*out of range.*{spec.low}"):
        NpuOptions(**{key: spec.low - 2 if spec.default == spec.low - 1 else spec.low - 1})


@pytest.mark.parametrize("key", sorted(spec.key for spec in KEYS if spec.high is not None))
def test_a_value_above_the_range_is_refused(key):
    with pytest.raises(ValueError, match=f"{key}.*out of range"):
        NpuOptions(**{key: BY_KEY[key].high + 1})


@pytest.mark.parametrize("key", sorted(MALFORMED))
def test_a_malformed_string_is_refused_with_its_format(key):
    with pytest.raises(ValueError) as err:
        NpuOptions.from_parameter_map({key: MALFORMED[key], **GATES.get(key, {})}, check_paths=False)
    assert key in str(err.value) and legal_values(BY_KEY[key]) in str(err.value)


def test_every_string_format_key_has_a_malformed_case():
    assert set(MALFORMED) == {spec.key for spec in KEYS if spec.fmt is not None}


@pytest.mark.parametrize("key", sorted(GATES))
def test_a_gated_key_is_not_checked_while_its_gate_is_off(key):
    bad = _bad_choice(BY_KEY[key]) if BY_KEY[key].choices else MALFORMED[key]
    assert getattr(NpuOptions.from_parameter_map({key: bad}), key) == bad


@pytest.mark.parametrize("raw, expected", [(True, True), (0, False), (20, True), ("True", True), ("off", False),
                                           (b"1", True), ("", False)])
def test_bool_values(raw, expected):
    assert coerce(BY_KEY["hcom_parallel"], raw) is expected


@pytest.mark.parametrize("raw", ["maybe", 1.5, [True]])
def test_bad_bool_values(raw):
    with pytest.raises(ValueError, match="hcom_parallel.*bool"):
        NpuOptions.from_parameter_map({"hcom_parallel": raw})


@pytest.mark.parametrize("raw, expected", [("15401209344", 15401209344), (b"1024", 1024), (2 ** 34, 2 ** 34),
                                           ("", None)])
def test_byte_counts(raw, expected):
    assert NpuOptions.from_parameter_map({"graph_memory_max_size": raw}).graph_memory_max_size == expected


@pytest.mark.parametrize("raw", ["15G", "-1", -1, 1.5, True])
def test_bad_byte_counts(raw):
    with pytest.raises(ValueError, match="variable_memory_max_size.*byte count"):
        NpuOptions.from_parameter_map({"variable_memory_max_size": raw})


def test_strings_from_bytes_and_wrong_types():
    assert NpuOptions.from_parameter_map({"fusion_switch_file": b"f.cfg"}).fusion_switch_file == "f.cfg"
    with pytest.raises(ValueError, match="fusion_switch_file.*string"):
        NpuOptions.from_parameter_map({"fusion_switch_file": 3})


def test_empty_strings_read_as_unset_or_as_the_default():
    options = NpuOptions.from_parameter_map({"insert_op_file": "", "buffer_optimize": "", "dump_mode": "",
                                             "dump_path": ""})
    assert options.insert_op_file is None
    assert options.buffer_optimize == BY_KEY["buffer_optimize"].default
    assert options.dump_mode == BY_KEY["dump_mode"].default
    assert options.dump_path == ""


def test_an_attr_value_with_no_field_set_reads_as_the_default(caplog):
    from tensorflow.core.framework import attr_value_pb2
    options = NpuOptions.from_parameter_map({"iterations_per_loop": attr_value_pb2.AttrValue()})
    assert options.iterations_per_loop == 1 and "holds no value" in caplog.text


def test_bytes_that_are_not_text_are_refused():
    with pytest.raises(ValueError, match="dump_layer.*UTF-8"):
        NpuOptions.from_parameter_map({"dump_layer": b"\xff\xfe"})


def test_a_gate_given_as_a_string_is_read_as_its_bool():
    assert NpuOptions.from_parameter_map({"enable_dump": "false", "dump_mode": "junk"}).dump_mode == "junk"
    with pytest.raises(ValueError, match="dump_mode"):
        NpuOptions.from_parameter_map({"enable_dump": "true", "dump_path": ".", "dump_mode": "junk"},
                                      check_paths=False)
