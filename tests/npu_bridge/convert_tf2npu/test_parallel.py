"""Worker processes return what the sequential run returns, in order; the progress bar."""
import io

from npu_bridge.convert_tf2npu import parallel, project


def test_two_workers_equal_one(tmp_path):
    for i in range(6):
        (tmp_path / f"m{i}.py").write_text(f"import tensorflow as tf\ns{i} = tf.Session()\nx = tf.nn.dropout(y, rate=0.{i})\n")
    (tmp_path / "notes.txt").write_text("x")
    _, jobs = project.plan(tmp_path)
    one = parallel.run(jobs, project.RunOptions(), workers=1)
    two = parallel.run(jobs, project.RunOptions(), workers=2)
    assert [(r.rel, r.status, r.output) for r in one] == [(r.rel, r.status, r.output) for r in two]
    assert [[(f.rule_id, f.line) for f in r.findings] for r in one] == [[(f.rule_id, f.line) for f in r.findings]
                                                                        for r in two]


def test_progress_bar_renders_counts():
    stream = io.StringIO()
    bar = parallel.Progress(4, stream=stream, enabled=True)
    for _ in range(4):
        bar.update()
    bar.close()
    assert "4/4 files" in stream.getvalue() and stream.getvalue().endswith("\n")
    quiet = io.StringIO()
    parallel.Progress(100, stream=quiet).update()      # not a terminal: nothing drawn
    assert quiet.getvalue() == ""
