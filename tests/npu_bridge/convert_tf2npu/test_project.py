"""Planning a run, choosing the entry script, decoding files with their own encoding, per-file statuses."""

import pytest

from npu_bridge.convert_tf2npu import project


def _tree(tmp_path, files):
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return tmp_path


def test_plan_is_sorted_and_marks_python(tmp_path):
    root = _tree(tmp_path, {"b.py": "", "a/z.txt": "", "a/y.py": "", "c.PY": ""})
    _, jobs = project.plan(root)
    assert [(j.rel, j.python) for j in jobs] == [("b.py", True), ("c.PY", False), ("a/y.py", True),
                                                 ("a/z.txt", False)]
    base, single = project.plan(root / "b.py")
    assert base == root and [j.rel for j in single] == ["b.py"]


def test_choose_main(tmp_path):
    guard = "if __name__ == '__main__':\n    main()\n"
    root = _tree(tmp_path, {"train.py": "from tensorflow import keras\n" + guard, "tool.py": guard,
                            "lib.py": "import keras\n"})
    _, jobs = project.plan(root)
    assert project.choose_main(jobs, None, None) == ("train.py", "")
    assert project.choose_main(jobs, None, "horovod")[0] is None       # two guarded scripts qualify
    assert "2 entry scripts" in project.choose_main(jobs, None, "horovod")[1]
    assert project.choose_main(jobs, str(root / "tool.py"), None) == ("tool.py", "")
    assert "not among the input files" in project.choose_main(jobs, str(tmp_path.parent / "x.py"), None)[1]


@pytest.mark.parametrize("data, encoding", [
    (b"x = 1\n", "utf-8"),
    (b"\xef\xbb\xbfx = 1\n", "utf-8-sig"),
    (b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", "iso-8859-1"),
])
def test_decode_honours_bom_and_cookie(data, encoding):
    text, found = project.decode(data)
    assert found == encoding and text.encode(found) == data


def test_process_keeps_the_encoding_and_reports_statuses(tmp_path):
    root = _tree(tmp_path, {"bom.py": b"\xef\xbb\xbfimport tensorflow as tf\r\ns = tf.Session()\r\n",
                            "plain.py": "x = 1\n", "bad.py": b"# coding: klingon\nx = 1\n", "data.csv": "a,b\n"})
    _, jobs = project.plan(root)
    results = {r.rel: r for r in (project.process(j, project.RunOptions()) for j in jobs)}
    assert results["bom.py"].status == "converted"
    assert results["bom.py"].output == (b"\xef\xbb\xbffrom npu_bridge.npu_init import *\r\nimport tensorflow as tf\r\n"
                                        b"s = tf.Session(config=npu_config_proto())\r\n")
    assert [u.api for u in results["bom.py"].apis] == ["tf.Session"]
    assert results["plain.py"].status == "unchanged" and results["plain.py"].output is None
    assert results["bad.py"].status == "undecodable" and "klingon" in results["bad.py"].error
    assert results["data.csv"].status == "copied"
