"""Rules between options: each exclusion the reference states is refused; the consistent variant is accepted."""
import pytest

from ascend_sim.options import NpuOptions
from ascend_sim.options.rules import RULES

# (rule name, refused options, a consistent variant, a word of the error)
CASES = [
    ("precision_mode with precision_mode_v2", {"precision_mode": "force_fp16", "precision_mode_v2": "fp16"},
     {"precision_mode_v2": "fp16"}, "cannot both be set"),
    ("modify_mixlist needs a mixed precision mode", {"precision_mode": "force_fp16", "modify_mixlist": "m.json"},
     {"precision_mode": "allow_mix_precision_bf16", "modify_mixlist": "m.json"}, "allow_mix_precision_fp16"),
    ("mix_compile_mode needs iterations_per_loop 1", {"mix_compile_mode": True, "iterations_per_loop": 10},
     {"mix_compile_mode": True, "iterations_per_loop": 1}, "iterations_per_loop == 1"),
    ("lazy_recompile needs iterations_per_loop 1",
     {"dynamic_input": True, "dynamic_graph_execute_mode": "lazy_recompile", "iterations_per_loop": 4},
     {"dynamic_input": False, "dynamic_graph_execute_mode": "lazy_recompile", "iterations_per_loop": 4},
     "lazy_recompile"),
    ("in_out_pair needs mix_compile_mode", {"in_out_pair": "[[a],[b]]"},
     {"in_out_pair": "[[a],[b]]", "mix_compile_mode": True}, "mix_compile_mode"),
    ("optypelist_for_implmode needs op_select_implmode", {"optypelist_for_implmode": "GatherV2"},
     {"optypelist_for_implmode": "GatherV2", "op_select_implmode": "high_performance"}, "high_precision_for_all"),
    ("input_shape / dynamic_dims / dynamic_node_type together", {"input_shape": "x:-1,3", "dynamic_node_type": 1},
     {"input_shape": "x:-1,3", "dynamic_dims": "1;2", "dynamic_node_type": 1}, "missing: dynamic_dims"),
    ("enable_compress_weight with compress_weight_conf",
     {"enable_compress_weight": False, "compress_weight_conf": "c.cfg"}, {"compress_weight_conf": "c.cfg"},
     "mutually exclusive"),
    ("dumping needs dump_path", {"enable_dump_debug": True}, {"enable_dump_debug": True, "dump_path": "/tmp"},
     "enable_dump_debug=True requires dump_path"),
]


def test_every_rule_has_a_case():
    assert sorted(name for name, _ in RULES) == sorted(case[0] for case in CASES)


@pytest.mark.parametrize("name, refused, accepted, word", CASES, ids=[case[0] for case in CASES])
def test_rule(name, refused, accepted, word):
    with pytest.raises(ValueError, match=word):
        NpuOptions.from_parameter_map(refused, check_paths=False)
    options = NpuOptions.from_parameter_map(accepted, check_paths=False)
    for key, value in accepted.items():
        assert getattr(options, key) == value


def test_compress_weight_exclusion_is_about_presence_in_the_map():
    # constructed directly, an option at its default is not "present"; from a map, every written key is
    assert NpuOptions(enable_compress_weight=False, compress_weight_conf="c.cfg").compress_weight_conf == "c.cfg"
    with pytest.raises(ValueError, match="mutually exclusive"):
        NpuOptions(enable_compress_weight=True, compress_weight_conf="c.cfg")


@pytest.mark.parametrize("values, key", [({"enable_dump": True, "dump_path": "<missing>"}, "dump_path"),
                                         ({"aoe_mode": "1", "work_path": "<missing>"}, "work_path"),
                                         ({"enable_dump": True, "dump_path": "<file>"}, "dump_path")])
def test_directories_must_exist(values, key, tmp_path):
    (tmp_path / "file").write_text("x")
    paths = {"<missing>": str(tmp_path / "missing"), "<file>": str(tmp_path / "file")}
    values = {k: paths.get(v, v) for k, v in values.items()}
    with pytest.raises(ValueError, match=f"{key}.*(does not exist|is not a directory)"):
        NpuOptions.from_parameter_map(values)
    assert NpuOptions.from_parameter_map(values, check_paths=False).aoe_mode == values.get("aoe_mode", "")


def test_aoe_mode_with_an_existing_work_path(tmp_path):
    options = NpuOptions.from_parameter_map({"aoe_mode": "mdat", "work_path": str(tmp_path)})
    assert options.aoe_mode == "mdat" and options.work_path == str(tmp_path)
