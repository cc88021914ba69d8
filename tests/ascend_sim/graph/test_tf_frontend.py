"""tf_frontend: every graph source → IR with static shapes; input shapes, batch override, dataset batch size,
stand-ins for unregistered ops, default fetches, and one clear error per bad file."""
import numpy as np
import pytest
import tensorflow.compat.v1 as tf
from google.protobuf import text_format
from tensorflow.core.protobuf import meta_graph_pb2, saved_model_pb2

from ascend_sim.graph import tf_frontend
from ascend_sim.graph.tf_frontend import GraphLoadError, normalize_fetch


def _tiny(batch=None):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [batch, 8], name="x")
        w = tf.get_variable("w", [8, 4])
        y = tf.nn.relu(tf.matmul(x, w), name="y")
        loss = tf.reduce_sum(y, name="loss")
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, name="train")
    return g, train, loss


def test_tf_graph_keeps_unknown_dims_and_reads_the_train_op_collection():
    g, train, _ = _tiny()
    ir = tf_frontend.load(g)
    assert ir.fetches == ["train"]                     # minimize() files it in the train_op collection
    assert ir["MatMul"].outputs[0].shape == (None, 4)
    assert ir["w"].outputs[0].shape == (8, 4) and ir["w"].outputs[0].dtype == "float32"
    assert ir["MatMul"].inputs == [("x", 0), ("w/read", 0)]
    assert ir.meta["source"] == "tf.Graph"


def test_feed_shapes_fix_the_inputs_and_inference_propagates():
    g, train, loss = _tiny()
    ir = tf_frontend.load(g, fetches=[train, loss], feed_shapes={"x:0": [16, 8]})
    assert ir["MatMul"].outputs[0].shape == (16, 4)
    assert ir["gradients/MatMul_grad/MatMul"].outputs[0].shape == (16, 8)
    assert ir.fetches == ["train", ("loss", 0)]


def test_feed_shapes_errors_name_the_key():
    g, *_ = _tiny()
    with pytest.raises(ValueError, match=r"'nope'.*placeholders: x"):
        tf_frontend.load(g, feed_shapes={"nope": [1, 8]})
    with pytest.raises(ValueError, match="rank 3"):
        tf_frontend.load(g, feed_shapes={"x": [1, 8, 2]})
    with pytest.raises(ValueError, match="not a placeholder"):
        tf_frontend.load(g, feed_shapes={"MatMul": [1, 4]})
    with pytest.raises(ValueError, match="feed_shapes"):
        tf_frontend.load(g, feed_shapes={"x": "big"})


def test_batch_sets_unknown_and_common_leading_dims():
    g, *_ = _tiny()
    assert tf_frontend.load(g, batch=3)["MatMul"].outputs[0].shape == (3, 4)
    g32, *_ = _tiny(batch=32)
    ir = tf_frontend.load(g32, fetches=["y"], batch=256)
    assert ir["x"].outputs[0].shape == (256, 8) and ir["y"].outputs[0].shape == (256, 4)
    with pytest.raises(GraphLoadError, match="constants built for its own shapes"):
        tf_frontend.load(g32, batch=256)           # its gradient tiles by a constant [32, 4]
    with pytest.raises(ValueError, match="batch"):
        tf_frontend.load(g, batch=0)


def test_graphdef_frozen_pb_and_text_pbtxt(tmp_path):
    g, *_ = _tiny(batch=2)
    graph_def = g.as_graph_def()
    from_proto = tf_frontend.load(graph_def, fetches=["train"])
    pb, pbtxt = tmp_path / "model.pb", tmp_path / "model.pbtxt"
    pb.write_bytes(graph_def.SerializeToString())
    pbtxt.write_text(text_format.MessageToString(graph_def))
    for source in (str(pb), pbtxt):
        ir = tf_frontend.load(source, fetches=["train"])
        assert set(ir.nodes) == set(from_proto.nodes)
        assert ir["MatMul"].outputs[0].shape == (2, 4)
        assert ir.meta["source"] == str(source)


def test_meta_graph_file_default_fetches_from_train_op(tmp_path):
    g, *_ = _tiny(batch=2)
    path = tmp_path / "model.ckpt.meta"
    with g.as_default():
        tf.train.export_meta_graph(str(path), graph=g)
    ir = tf_frontend.load(path)
    assert ir.fetches == ["train"]
    assert ir.meta["collections"]["train_op"] == ["train"]
    meta = meta_graph_pb2.MetaGraphDef()
    meta.ParseFromString(path.read_bytes())
    assert set(tf_frontend.load(meta).nodes) == set(ir.nodes)


def test_saved_model_directory_uses_the_signature_outputs(tmp_path):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 8], name="x")
        w = tf.get_variable("w", [8, 3])
        probs = tf.nn.softmax(tf.matmul(x, w), name="probs")
        with tf.Session(graph=g) as sess:
            sess.run(tf.global_variables_initializer())
            builder = tf.saved_model.builder.SavedModelBuilder(str(tmp_path / "sm"))
            signature = tf.saved_model.signature_def_utils.predict_signature_def({"x": x}, {"probs": probs})
            builder.add_meta_graph_and_variables(sess, ["serve"], signature_def_map={"serving_default": signature})
            builder.save()
    ir = tf_frontend.load(tmp_path / "sm", feed_shapes={"x": [5, 8]})
    assert ir.fetches == [("probs", 0)]
    assert ir["probs"].outputs[0].shape == (5, 3)
    saved = saved_model_pb2.SavedModel()
    saved.ParseFromString((tmp_path / "sm" / "saved_model.pb").read_bytes())
    assert tf_frontend.load(saved).fetches == [("probs", 0)]


def _bytes_of_tiny():
    return _tiny(batch=2)[0].as_graph_def().SerializeToString()


@pytest.mark.parametrize("name, content, expected", [
    ("truncated.pb", lambda: _bytes_of_tiny()[: len(_bytes_of_tiny()) // 2], r"truncated.pb: not a valid GraphDef"),
    ("garbage.pb", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(200)), r"garbage.pb: not a valid GraphDef"),
    ("empty.pb", lambda: b"", r"empty.pb: parsed as a GraphDef but holds no nodes"),
    ("bad.meta", lambda: _bytes_of_tiny()[:-7], r"bad.meta: not a valid MetaGraphDef"),
    ("bad.pbtxt", lambda: b"node { name: ", r"bad.pbtxt: not a valid text GraphDef or MetaGraphDef"),
    ("saved_model.pb", lambda: b"\xff\xff\xff", r"saved_model.pb: not a valid SavedModel"),
])
def test_bad_files_raise_one_clear_error(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content())
    with pytest.raises(GraphLoadError, match=expected):
        tf_frontend.load(path)


def test_missing_paths_and_directories(tmp_path):
    with pytest.raises(GraphLoadError, match="no such file"):
        tf_frontend.load(tmp_path / "absent.pb")
    with pytest.raises(GraphLoadError, match="expected a SavedModel directory"):
        tf_frontend.load(tmp_path)
    with pytest.raises(TypeError, match="cannot lower int"):
        tf_frontend.load(3)


def test_graph_that_contradicts_its_feed_shape_fails_with_the_tf_message():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 8], name="x")
        tf.reshape(x, [4, 16], name="r")
    with pytest.raises(GraphLoadError, match="could not import.*contradict the graph"):
        tf_frontend.load(g, feed_shapes={"x": [3, 8]})


def test_dataset_batch_size_resolves_the_iterator_batch_dim():
    g = tf.Graph()
    with g.as_default():
        ds = tf.data.Dataset.from_tensor_slices((np.zeros((40, 6), np.float32), np.zeros(40, np.int32))).batch(5)
        it = tf.data.make_initializable_iterator(ds)
        feats, labels = it.get_next(name="batch")
        tf.reduce_sum(tf.layers.dense(feats, 3), name="out")
    assert g.get_tensor_by_name("batch:0").shape.as_list() == [None, 6]
    ir = tf_frontend.load(g, fetches=["out"])
    assert ir["batch"].outputs[0].shape == (5, 6) and ir["batch"].outputs[1].shape == (5,)
    assert tf_frontend.load(g, fetches=["out"], batch=7)["batch"].outputs[0].shape == (7, 6)


def test_unregistered_op_types_become_stand_ins():
    g, *_ = _tiny(batch=2)
    graph_def = g.as_graph_def()
    custom = graph_def.node.add()
    custom.name, custom.op = "npu_only", "DeviceOnlyKernel"
    custom.input.append("y")
    ir = tf_frontend.load(graph_def, fetches=["npu_only"])
    node = ir["npu_only"]
    assert node.op == "DeviceOnlyKernel" and node.inputs == [("y", 0)] and node.attrs["stand_in"]
    graph_def.node.add(name="reader", op="Identity", input=["npu_only:1"])
    graph_def.node[-1].attr["T"].type = 1
    with pytest.raises(GraphLoadError, match="DeviceOnlyKernel"):
        tf_frontend.load(graph_def)


def test_default_fetches_of_a_bare_graph_skip_init_and_saving():
    g, *_ = _tiny(batch=2)
    with g.as_default():
        tf.global_variables_initializer()
        tf.train.Saver()
    ir = tf_frontend.load(g.as_graph_def())
    assert "train" in ir.fetches
    assert not any(str(f).startswith(("init", "save/")) for f in ir.fetches)


def test_fetch_errors_and_normalisation():
    g, *_ = _tiny(batch=2)
    with pytest.raises(ValueError, match="names no node"):
        tf_frontend.load(g, fetches=["nothing:0"])
    with pytest.raises(ValueError, match="has 1 outputs"):
        tf_frontend.load(g, fetches=["loss:3"])
    assert normalize_fetch("a/b:1") == ("a/b", 1) and normalize_fetch("^a/b") == "a/b"
    with pytest.raises(TypeError):
        normalize_fetch(None)
