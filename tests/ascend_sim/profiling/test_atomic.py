"""Atomic replacement: complete files only, no temp files left, a failing writer keeps the old file."""
import pytest

from ascend_sim.profiling import atomic


def test_write_replaces_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "op_summary.csv"
    atomic.write_text(path, "a,b\n1,2\n")
    atomic.write_text(path, "a,b\n3,4\n")
    assert path.read_text() == "a,b\n3,4\n"
    assert [p.name for p in tmp_path.iterdir()] == ["op_summary.csv"]
    atomic.write_bytes(tmp_path / "x.bin", b"\x00\x01")
    assert (tmp_path / "x.bin").read_bytes() == b"\x00\x01"


def test_failing_writer_keeps_the_previous_file(tmp_path):
    path = tmp_path / "step_trace.csv"
    atomic.write_text(path, "previous\n")
    with pytest.raises(RuntimeError, match="writer failed"):
        with atomic.replacing(path) as f:
            f.write("half a fi")
            raise RuntimeError("writer failed")
    assert path.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["step_trace.csv"]


def test_keyboard_interrupt_mid_write_keeps_the_previous_file(tmp_path):
    path = tmp_path / "f.json"
    atomic.write_text(path, "[]")
    with pytest.raises(KeyboardInterrupt):
        with atomic.replacing(path) as f:
            f.write("[{")
            raise KeyboardInterrupt
    assert path.read_text() == "[]" and len(list(tmp_path.iterdir())) == 1


def test_missing_directory_is_an_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic.write_text(tmp_path / "nope" / "f.csv", "x")


def test_files_get_the_umask_mode_not_mkstemps_0600(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        atomic.write_text(tmp_path / "a.csv", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o644
