"""The records file: a Profile saved and loaded back is equal; foreign or newer files are refused by name."""
import gzip
import json

import pytest

from ascend_sim.options import NpuOptions
from ascend_sim.profiling import records_io
from ascend_sim.sim import simulate
from testsupport.profiles import iterations, profile
from testsupport.sim_programs import HW, program, task

X = (64, 512)


def _simulated():
    prog = program([task("GetNext", [], [X], phase="DATA", name="getnext"),
                    task("MatMulV2", [X, (512, 512)], [X], deps=(0,), name="mm"),
                    task("Relu", [X], [X], deps=(1,), name="relu"),
                    task("MyCustomOp", [X], [X], deps=(2,), phase="BP", name="custom")],
                   options={"iterations_per_loop": 3}, unknown_ops=(("custom", "MyCustomOp"),),
                   warnings=("w1",), memory_peak_bytes=123456)
    return simulate(prog, HW, 2, batch=64, batch_source="given")


def test_round_trip_of_a_simulated_profile(tmp_path):
    prof = _simulated()
    records_io.save(tmp_path / "r.json.gz", prof, ts="20240101000000", device_id=2)
    back, data = records_io.read(tmp_path / "r.json.gz")
    assert back == prof                                  # every task, step and profile field
    assert data["ts"] == "20240101000000" and data["device_id"] == 2
    assert back.options == {"iterations_per_loop": 3}


def test_statics_are_shared_across_iterations(tmp_path):
    prof = _simulated()
    data = records_io.to_data(prof)
    assert len(data["tasks"]) == len(prof.tasks)
    assert len(data["statics"]) == len({(t.name, t.stream_id) for t in prof.tasks})


def test_npu_options_are_saved_as_plain_data(tmp_path):
    tasks, steps = iterations([dict(name="a", op_type="Relu", pipes={"vec": 10})], 2)
    prof = profile(tasks, steps, options=NpuOptions(precision_mode="allow_mix_precision", iterations_per_loop=2))
    records_io.save(tmp_path / "r.json.gz", prof)
    back, _ = records_io.read(tmp_path / "r.json.gz")
    assert back.options["precision_mode"] == "allow_mix_precision" and back.options["iterations_per_loop"] == 2
    assert back.options["effective_precision_mode"] == "allow_mix_precision"
    assert back.tasks == prof.tasks and back.steps == prof.steps


def test_hints_read_the_same_from_a_loaded_profile(tmp_path):
    from ascend_sim.profiling import hintrules

    specs = [dict(name="cast", op_type="Cast", pipes={"vec": 12000}),
             dict(name="mm", op_type="MatMulV2", unit="aicore_cube", pipes={"mac": 100000})]
    prof = profile(*iterations(specs, 2), options=NpuOptions())          # unset: the training default applies
    records_io.save(tmp_path / "r.json.gz", prof)
    back, _ = records_io.read(tmp_path / "r.json.gz")
    assert hintrules.hints(back) == hintrules.hints(prof)
    assert any("now allow_fp32_to_fp16" in h for h in hintrules.hints(back))


def _write(path, data):
    path.write_bytes(gzip.compress(json.dumps(data).encode()))


@pytest.mark.parametrize("change, message", [
    ({"format": "something-else"}, "not an ascend-sim records file"),
    ({"version": 99}, "records version 99; this ascend-sim reads version 1"),
    ({"static_fields": ["name"]}, "record fields differ"),
])
def test_foreign_files_are_refused(tmp_path, change, message):
    data = records_io.to_data(_simulated())
    data.update(change)
    _write(tmp_path / "r.json.gz", data)
    with pytest.raises(records_io.RecordsError, match=message):
        records_io.read(tmp_path / "r.json.gz")


def test_unreadable_file(tmp_path):
    (tmp_path / "r.json.gz").write_bytes(b"not gzip")
    with pytest.raises(records_io.RecordsError, match="r.json.gz: cannot read the records"):
        records_io.read(tmp_path / "r.json.gz")
