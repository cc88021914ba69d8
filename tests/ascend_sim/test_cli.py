"""The ``ascend-sim`` command line: dispatch, usage and bad-input handling shared by the subcommands."""
import subprocess
import sys

import pytest

from ascend_sim import cli


def test_no_command_prints_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    out = capsys.readouterr().out
    for command in ("run", "analyze", "report", "hw"):
        assert f"    {command} " in out, out


@pytest.mark.parametrize("extra, message", [
    (["--hw", "Ascend910X"], "unknown hardware preset 'Ascend910X'"),
    (["--precision-mode", "fp8"], "precision_mode 'fp8' is invalid; legal values: force_fp32, allow_fp32_to_fp16"),
    (["--feed-shape", "x=32,a"], "--feed-shape 'x=32,a': expected NAME=d,d,..."),
    (["--feed-shape", "32,3"], "--feed-shape '32,3': expected NAME=d,d,..."),
    (["--batch", "0"], "--batch must be a positive integer, got 0"),
    (["--iterations", "-2"], "--iterations must be a positive integer, got -2"),
])
def test_analyze_bad_input_is_one_line_and_exit_1(tmp_path, capsys, extra, message):
    graph = tmp_path / "model.pb"
    graph.write_bytes(b"")
    assert cli.main(["analyze", str(graph), *extra]) == cli.BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("ascend-sim analyze: ") and message in err and err.count("\n") == 1


def test_analyze_missing_file(tmp_path, capsys):
    assert cli.main(["analyze", str(tmp_path / "nope.pb")]) == cli.BAD_INPUT
    assert capsys.readouterr().err == f"ascend-sim analyze: {tmp_path / 'nope.pb'}: no such file or directory\n"


def test_parse_feed_shapes():
    assert cli.parse_feed_shapes(["x=32,224,224,3", " y = 32", "s="]) == {"x": (32, 224, 224, 3), "y": (32,), "s": ()}
    assert cli.parse_feed_shapes(None) is None


def test_version_flag():
    out = subprocess.run([sys.executable, "-m", "ascend_sim.cli", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("ascend-sim ")


def test_hw_list_prints_every_preset_with_its_peak(capsys):
    from ascend_sim import hw

    assert cli.main(["hw", "list"]) == 0
    out = capsys.readouterr().out
    for name in hw.list_presets():
        assert f"{hw.load(name).derived()['peak_fp16_tflops'][0]:.1f}" in out.split(name, 1)[1].splitlines()[0]
    assert "Ascend910A*" in out


def test_hw_show_prints_every_value_with_its_source(capsys):
    from ascend_sim import hw

    assert cli.main(["hw", "show", "Ascend910ProB"]) == 0
    out = capsys.readouterr().out
    spec = hw.load("Ascend910ProB")
    for path in spec.values():
        line = next(line for line in out.splitlines() if line.startswith(path + " "))
        assert f"[{spec.source_of(path).confidence}]" in line
    assert "peak_fp16_tflops" in out and "282.6" in out


def test_hw_show_path_as_json_and_default_preset(tmp_path, capsys):
    import json

    preset = tmp_path / "mine.toml"
    preset.write_text('inherits = "Ascend910A"\n[chip]\nai_core_clock_mhz = 500\n[sources]\nchip = "[USER] slow"\n')
    assert cli.main(["hw", "show", str(preset), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["values"]["chip.ai_core_clock_mhz"] == 500
    assert data["sources"]["chip.ai_core_clock_mhz"]["confidence"] == "USER"
    assert data["derived"]["peak_fp16_tflops"]["value"] == 262.144 / 2
    assert cli.main(["hw", "show"]) == 0 and "Ascend910A:" in capsys.readouterr().out


def test_hw_bad_input_exits_1_with_the_error_and_bare_hw_prints_help(capsys):
    assert cli.main(["hw", "show", "Ascend910X"]) == cli.BAD_INPUT
    err = capsys.readouterr().err
    assert "unknown hardware preset 'Ascend910X'" in err and "Ascend910PremiumA" in err
    assert cli.main(["hw"]) == 2 and "list" in capsys.readouterr().out
