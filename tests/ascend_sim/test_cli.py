"""The console entry points exist and report unavailable subcommands with a distinct exit status."""
import subprocess
import sys

from ascend_sim import cli


def test_no_command_prints_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert "run" in capsys.readouterr().out


def test_pending_subcommand_says_not_yet_available(capsys):
    assert cli.main(["analyze", "model.pb"]) == cli.NOT_YET
    assert "not yet available" in capsys.readouterr().err


def test_version_flag():
    out = subprocess.run([sys.executable, "-m", "ascend_sim.cli", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("ascend-sim ")


def test_convert_tf2npu_module_entry_point():
    out = subprocess.run([sys.executable, "-m", "npu_bridge.convert_tf2npu"], capture_output=True, text=True)
    assert out.returncode == 3 and "not yet available" in out.stderr
