"""Where a graph comes from: tf.Graph, GraphDef, MetaGraphDef, SavedModel (proto or directory), files.

``read_source(obj) -> Source``: the GraphDef, the live tf.Graph when one was given, the graph's collections
(``train_op`` ...), the fetches the source itself names (a ``train_op`` collection, else the first
signature's outputs) and a label for messages (the path, or the object's kind). Files: a SavedModel
directory (``saved_model.pb`` / ``.pbtxt``), ``*.meta`` (MetaGraphDef), ``*.pbtxt`` / ``*.txt`` (text
GraphDef or MetaGraphDef), anything else a binary GraphDef (a frozen ``.pb``; a ``saved_model.pb`` is read as
a SavedModel). A file that is missing, truncated, corrupt, of another kind or without nodes raises
``GraphLoadError`` naming it and what was expected.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

SAVED_MODEL_FILES = ("saved_model.pb", "saved_model.pbtxt")
TEXT_SUFFIXES = (".pbtxt", ".txt", ".prototxt")
TRAIN_TAGS = ("train",)
SERVE_TAGS = ("serve",)


class GraphLoadError(ValueError):
    """A graph source that cannot be read: names the file (or object) and what was expected."""


@dataclass
class Source:
    graph_def: object
    label: str
    tf_graph: object = None
    collections: dict = field(default_factory=dict)
    default_fetches: list = field(default_factory=list)


def read_source(obj) -> Source:
    from tensorflow.core.framework import graph_pb2
    from tensorflow.core.protobuf import meta_graph_pb2, saved_model_pb2

    if isinstance(obj, (str, os.PathLike)):
        return _read_path(os.fspath(obj))
    if isinstance(obj, graph_pb2.GraphDef):
        return Source(_nonempty(obj, "GraphDef object"), "GraphDef object")
    if isinstance(obj, meta_graph_pb2.MetaGraphDef):
        return _from_meta(obj, "MetaGraphDef object")
    if isinstance(obj, saved_model_pb2.SavedModel):
        return _from_saved_model(obj, "SavedModel object")
    if hasattr(obj, "as_graph_def") and hasattr(obj, "get_operations"):
        graph_def = obj.as_graph_def()
        names = [getattr(x, "name", str(x)) for x in obj.get_collection("train_op")]
        label = "tf.Graph"
        return Source(_nonempty(graph_def, label), label, tf_graph=obj, collections={"train_op": names},
                      default_fetches=names)
    raise TypeError(f"cannot lower {type(obj).__name__}: expected a tf.Graph, GraphDef, MetaGraphDef, SavedModel "
                    f"proto, or the path of a SavedModel directory, frozen .pb / .pbtxt or .meta file")


def _nonempty(graph_def, label: str):
    if not graph_def.node:
        raise GraphLoadError(f"{label}: the graph has no nodes; expected a TensorFlow graph")
    return graph_def


def _parse(path: str, message_cls, what: str, text: bool):
    from google.protobuf import message as pb_message
    from google.protobuf import text_format

    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise GraphLoadError(f"{path}: cannot read the file ({exc.strerror}); expected {what}") from exc
    proto = message_cls()
    try:
        if text:
            text_format.Parse(data.decode("utf-8"), proto)
        else:
            proto.ParseFromString(data)
    except (pb_message.DecodeError, text_format.ParseError, UnicodeDecodeError, RuntimeError) as exc:
        raise GraphLoadError(f"{path}: not a valid {what} (truncated or corrupt: {exc})") from exc
    return proto


def _read_path(path: str) -> Source:
    from tensorflow.core.framework import graph_pb2
    from tensorflow.core.protobuf import meta_graph_pb2, saved_model_pb2

    if os.path.isdir(path):
        for name in SAVED_MODEL_FILES:
            candidate = os.path.join(path, name)
            if os.path.isfile(candidate):
                proto = _parse(candidate, saved_model_pb2.SavedModel, "SavedModel (saved_model.pb)",
                               name.endswith(".pbtxt"))
                return _from_saved_model(proto, candidate)
        raise GraphLoadError(f"{path}: a directory without saved_model.pb or saved_model.pbtxt; expected a "
                             f"SavedModel directory")
    if not os.path.exists(path):
        raise GraphLoadError(f"{path}: no such file; expected a SavedModel directory, a frozen .pb / .pbtxt "
                             f"GraphDef or a .meta MetaGraphDef")
    base = os.path.basename(path)
    if base in SAVED_MODEL_FILES:
        proto = _parse(path, saved_model_pb2.SavedModel, "SavedModel", base.endswith(".pbtxt"))
        return _from_saved_model(proto, path)
    if base.endswith(".meta"):
        return _from_meta(_parse(path, meta_graph_pb2.MetaGraphDef, "MetaGraphDef (.meta)", False), path)
    text = base.endswith(TEXT_SUFFIXES)
    try:
        graph_def = _parse(path, graph_pb2.GraphDef, "GraphDef", text)
    except GraphLoadError:
        if not text:
            raise
        return _from_meta(_parse(path, meta_graph_pb2.MetaGraphDef, "text GraphDef or MetaGraphDef", True), path)
    if not graph_def.node:
        raise GraphLoadError(f"{path}: parsed as a GraphDef but holds no nodes; expected a frozen graph (.pb) "
                             f"of TensorFlow nodes")
    _check_names(graph_def, path)
    return Source(graph_def, path)


def _check_names(graph_def, label: str) -> None:
    """Bytes that happen to parse as a GraphDef give nodes without names or op types."""
    bad = [i for i, n in enumerate(graph_def.node) if not n.name or not n.op]
    if bad:
        raise GraphLoadError(f"{label}: {len(bad)} of {len(graph_def.node)} nodes have no name or op type "
                             f"(first at index {bad[0]}); expected a GraphDef (is the file truncated or of "
                             f"another kind?)")


def _from_meta(meta, label: str) -> Source:
    graph_def = _nonempty(meta.graph_def, label)
    _check_names(graph_def, label)
    collections = {}
    for key, col in meta.collection_def.items():
        if col.HasField("node_list"):
            collections[key] = list(col.node_list.value)
    fetches = list(collections.get("train_op", []))
    if not fetches:
        for sig in meta.signature_def.values():
            fetches = [t.name for t in sig.outputs.values() if t.name]
            if fetches:
                break
    return Source(graph_def, label, collections=collections, default_fetches=fetches)


def _from_saved_model(saved, label: str) -> Source:
    metas = list(saved.meta_graphs)
    if not metas:
        raise GraphLoadError(f"{label}: the SavedModel holds no MetaGraphDef; expected at least one tagged graph")

    def tagged(tags):
        return next((m for m in metas if set(tags) <= set(m.meta_info_def.tags)), None)

    meta = tagged(TRAIN_TAGS) or tagged(SERVE_TAGS) or metas[0]
    if len(metas) > 1:
        logger.info("%s: %d meta graphs; lowering the one tagged %s", label, len(metas),
                    list(meta.meta_info_def.tags))
    return _from_meta(meta, label)
