"""migrate_source on whole scripts, false matches, modern syntax and Python 2; engine behaviours."""
import json
import pathlib

import pytest

from npu_bridge.convert_tf2npu import migrate_source, Options
from npu_bridge.convert_tf2npu.findings import REWRITTEN, WARNED

DATA = pathlib.Path(__file__).resolve().parents[2] / "data" / "convert_tf2npu"
PAIRS = sorted([*(DATA / "scripts").iterdir(), *(DATA / "false_match").iterdir(), DATA / "modern"])


def _options(folder, filename="train.py"):
    path = folder / "options.json"
    opts = json.loads(path.read_text()) if path.exists() else {}
    return Options(mode=opts.get("mode"), main=opts.get("main", False), filename=filename)


def _migrate(text, **kw):
    return migrate_source(text, Options(**kw))


def _ids(result, action=None):
    return [f.rule_id for f in result.findings if action is None or f.action == action]


@pytest.mark.parametrize("folder", PAIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_before_after(folder):
    result = migrate_source((folder / "before.py").read_text(), _options(folder))
    assert result.output == (folder / "after.py").read_text()
    assert not result.error


@pytest.mark.parametrize("folder", sorted((DATA / "false_match").iterdir()), ids=lambda p: p.name)
def test_false_matches_rewrite_nothing_and_warn_nothing(folder):
    result = migrate_source((folder / "before.py").read_text(), _options(folder))
    assert set(_ids(result, REWRITTEN)) <= {"star_import"}
    assert not [f for f in result.findings if f.severity != "INFO"]


def test_whole_scripts_fire_their_style_rules():
    expect = {"estimator": {"estimator_config", "run_config", "train_spec_hooks", "eval_spec_hooks",
                            "estimator_train_hooks", "distribution_strategy", "strategy_optimizer", "dataset_batch"},
              "sess_run": {"session_config", "nn_dropout", "gelu_def", "tf_device", "dataset_batch"},
              "keras": {"keras_session", "keras_fit_callbacks", "keras_compile_optimizer", "clear_session",
                        "memory_growth", "dropout_patch_import"},
              "horovod": {"horovod_import", "horovod_lifecycle", "hvd_init", "hvd_rank", "hvd_size", "hvd_local_rank",
                          "hvd_distributed_optimizer", "hvd_broadcast_hook", "dataset_shard",
                          "monitored_training_session"}}
    for name, rules in expect.items():
        folder = DATA / "scripts" / name
        result = migrate_source((folder / "before.py").read_text(), _options(folder))
        assert rules <= set(_ids(result, REWRITTEN)), name


def test_python2_file_is_reported_with_position_and_left_unchanged():
    text = (DATA / "py2" / "train_py2.py").read_text()
    result = _migrate(text, filename="train_py2.py")
    assert result.output == text and not result.changed
    line, col, message = result.error.split(":", 2)
    assert (int(line), int(col)) == (4, 0)
    assert "print" in message


def test_unparsable_file_without_tensorflow_is_reported_too():
    result = _migrate("def f(:\n    pass\n")
    assert result.error.startswith("1:")
    assert result.output == result.source


def test_comments_and_formatting_untouched_outside_edits():
    text = ("import tensorflow as tf\n\n\n# a comment   with  spacing\nx = tf.constant( [1,2] )  # trailing\n"
            "sess = tf.Session(  # why\n    config=cfg)\n")
    out = _migrate(text).output
    assert "# a comment   with  spacing\nx = tf.constant( [1,2] )  # trailing\n" in out
    assert "sess = tf.Session(  # why\n    config=npu_config_proto(config_proto=cfg))\n" in out


def test_crlf_line_endings_kept():
    text = "import tensorflow as tf\r\nsess = tf.Session()\r\n"
    out = _migrate(text).output
    assert out == "from npu_bridge.npu_init import *\r\nimport tensorflow as tf\r\nsess = tf.Session(config=npu_config_proto())\r\n"


@pytest.mark.parametrize("header", ["import tensorflow as tf", "import tensorflow.compat.v1 as tf",
                                    "import tensorflow as tf2\ntf = tf2", "from tensorflow.compat import v1 as tf"])
def test_any_alias_of_tensorflow(header):
    out = _migrate(f"{header}\ny = tf.nn.dropout(x, rate=r)\n").output
    assert "npu_ops.dropout(x, keep_prob=1 - r)" in out


def test_from_imports_resolve():
    out = _migrate("from tensorflow.nn import dropout\nfrom tensorflow import Session as S\n"
                   "y = dropout(x, rate=r)\ns = S()\n").output
    assert "npu_ops.dropout(x, keep_prob=1 - r)" in out and "S(config=npu_config_proto())" in out


def test_rate_expression_parenthesised_only_when_needed():
    cases = {"a + b": "1 - (a + b)", "a * b": "1 - (a * b)", "-a": "1 - (-a)", "a": "1 - a", "0.5": "1 - 0.5",
             "cfg.rate": "1 - cfg.rate", "f(a)": "1 - f(a)", "(a - b)": "1 - (a - b)",
             "a if t else b": "1 - (a if t else b)"}
    for rate, keep in cases.items():
        out = _migrate(f"import tensorflow as tf\ny = tf.nn.dropout(x, rate={rate})\n").output
        assert f"keep_prob={keep})" in out, rate
        # the arithmetic is right: keep_prob == 1 - rate for sample values
        env = {"a": 0.3, "b": 0.2, "t": True, "f": lambda v: v, "cfg": type("C", (), {"rate": 0.25})}
        assert eval(keep, env) == pytest.approx(1 - eval(rate, env))


def test_dropout_with_noise_shape_left_alone_with_a_warning():
    result = _migrate("import tensorflow as tf\ny = tf.nn.dropout(x, keep_prob=0.9, noise_shape=[1, 4], name='d')\n")
    assert "y = tf.nn.dropout(x, keep_prob=0.9, noise_shape=[1, 4], name='d')" in result.output
    warned = [f for f in result.findings if f.rule_id == "nn_dropout"]
    assert [(f.severity, f.line) for f in warned] == [("WARNING", 3)] and "noise_shape" in warned[0].message
    out = _migrate("import tensorflow as tf\ny = tf.nn.dropout(x, keep_prob=0.9, name='d', seed=1)\n").output
    assert "npu_ops.dropout(x, keep_prob=0.9, seed=1, name='d')" in out


def test_gelu_method_uses_its_input_not_self():
    text = "import tensorflow as tf\nclass L:\n    def gelu(self, t):\n        return t * tf.sigmoid(1.702 * t)\n"
    assert "return npu_unary_ops.gelu(t)" in _migrate(text).output


def test_untraceable_batch_receiver_warns_without_editing():
    text = "import tensorflow as tf\ndef input_fn(ds):\n    return ds.batch(32)\n"
    result = _migrate(text)
    assert "ds.batch(32)\n" in result.output
    warned = [f for f in result.findings if f.action == WARNED]
    assert [(f.rule_id, f.line) for f in warned] == [("dataset_batch", 4)]
    assert "could not be traced to a dataset" in warned[0].message


def test_dataset_traced_through_reassignment_chain_and_attribute():
    text = ("import tensorflow as tf\nclass P:\n    def __init__(self, f):\n"
            "        self.ds = tf.data.TextLineDataset(f)\n        self.ds = self.ds.map(g)\n"
            "    def get(self):\n        return self.ds.prefetch(1).batch(8)\n")
    assert "self.ds.prefetch(1).batch(8, drop_remainder=True)" in _migrate(text).output


def test_horovod_without_d_keeps_import_and_warns():
    text = "import tensorflow as tf\nimport horovod.tensorflow as hvd\nhvd.init()\nn = hvd.size()\n"
    result = _migrate(text)
    assert "import horovod.tensorflow as hvd\nhvd.init()\nn = hvd.size()\n" in result.output
    assert [f.severity for f in result.findings if f.rule_id == "horovod_import"] == ["WARNING"]


def test_horovod_import_kept_with_error_when_a_use_has_no_rewrite():
    text = "import tensorflow as tf\nimport horovod.tensorflow as hvd\nhvd.init()\ng = hvd.allreduce(x)\n"
    result = _migrate(text, mode="horovod")
    assert "import horovod.tensorflow as hvd\n" in result.output and "hvd.allreduce(x)" in result.output
    errors = [f for f in result.findings if f.severity == "ERROR"]
    assert len(errors) == 1 and "hvd.allreduce" in errors[0].message


def test_already_migrated_code_is_not_wrapped_again():
    text = ("from npu_bridge.npu_init import *\nimport tensorflow as tf\n"
            "s = tf.Session(config=npu_config_proto(config_proto=tf.ConfigProto()))\n")
    result = _migrate(text)
    assert result.output == text and not result.findings


def test_compile_does_not_wrap_an_optimizer_wrapped_where_built():
    text = ("import tensorflow as tf\nmodel = tf.keras.Sequential()\nopt = tf.train.AdamOptimizer(0.1)\n"
            "model.compile(optimizer=opt, loss='mse')\n")
    out = _migrate(text, mode="tf_strategy").output
    assert out.count("npu_distributed_optimizer_wrapper") == 1
    assert "model.compile(optimizer=opt, loss='mse')" in out


def test_main_scaffolding_only_in_the_main_file():
    text = "import tensorflow as tf\nfrom tensorflow import keras\nif __name__ == '__main__':\n    main()\n"
    assert "set_keras_session_npu_config" not in _migrate(text).output
    assert "set_keras_session_npu_config" in _migrate(text, main=True).output


def test_main_without_guard_gets_module_level_setup():
    text = "import tensorflow as tf\nimport horovod.tensorflow as hvd\nhvd.init()\ntrain()\n"
    out = _migrate(text, mode="horovod", main=True).output
    assert out == ("from npu_bridge.npu_init import *\nimport tensorflow as tf\n"
                   "(npu_sess, npu_shutdown) = init_resource()\ntrain()\n"
                   "shutdown_resource(npu_sess, npu_shutdown)\nclose_session(npu_sess)\n")


def test_init_py_gets_no_star_import():
    result = _migrate("import tensorflow as tf\n", filename="pkg/__init__.py")
    assert result.output == "import tensorflow as tf\n"


def test_estimator_train_assumed_only_when_asked():
    text = "import tensorflow as tf\ndef run(est):\n    est.train(input_fn, max_steps=5)\n"
    assert "hooks=" not in _migrate(text, mode="tf_strategy").output
    assert "est.train(input_fn, max_steps=5, hooks=npu_hooks_append())" in \
        _migrate(text, mode="tf_strategy", assume_estimator_train=True).output


def test_dropped_arguments_are_named():
    text = "import tensorflow as tf\ns = tf.distribute.MirroredStrategy(devices=['/gpu:0'], cross_device_ops=x)\n"
    finding = [f for f in _migrate(text, mode="tf_strategy").findings if f.rule_id == "distribution_strategy"][0]
    assert finding.severity == "WARNING"
    assert "devices=['/gpu:0']" in finding.message and "cross_device_ops=x" in finding.message


def test_computed_device_pinned_with_warning():
    text = "import tensorflow as tf\nwith tf.device('/gpu:%d' % i):\n    pass\n"
    result = _migrate(text)
    assert "tf.device('/cpu:0')" in result.output
    assert [f.severity for f in result.findings if f.rule_id == "tf_device"] == ["WARNING"]


SCRIPTS = sorted((DATA.parent.parent / "scripts").glob("*.py"))


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_project_scripts_migrate_to_valid_idempotent_code(path):
    """The repository's own TF 1.15 scripts (already in migrated style): the output parses, keeps every line
    that no rule touched, and converting it again changes nothing, in every mode."""
    import ast
    import difflib
    text = path.read_text()
    for mode in (None, "horovod", "tf_strategy"):
        result = _migrate(text, mode=mode, main=True, filename=path.name)
        ast.parse(result.output)
        assert _migrate(result.output, mode=mode, main=True, filename=path.name).output == result.output
        changed = [line for line in difflib.ndiff(text.splitlines(), result.output.splitlines())
                   if line.startswith("- ")]
        rewritten = [f for f in result.findings if f.action == REWRITTEN]
        assert len(changed) <= 3 * len(rewritten) + 1, (mode, changed)
