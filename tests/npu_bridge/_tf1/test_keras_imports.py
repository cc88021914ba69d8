"""``tensorflow.python.keras`` and ``tensorflow.keras`` imports of TF 1.x code resolve to the Keras tf.keras uses.

Measured on TF 2.15 without the runtime: 17 of the 49 ``tensorflow.python.keras`` statements below fail
(``LSTM``, ``GRU``, ``BatchNormalization``, ``Bidirectional`` in ``layers``; ``layers.normalization``,
``layers.wrappers``, ``engine.network``, ``optimizers.Adam``, ``utils.to_categorical``, ``preprocessing``,
``applications``, ``datasets``), and the other 32 bind the legacy copy that tf.keras models ignore.
"""
import inspect
import sys
import types

import keras
import pytest
import tensorflow as tf
import tensorflow.compat.v1 as tf1

from npu_bridge._tf1 import imports, keras_paths

STATEMENTS = [
    "from tensorflow.python.keras import backend as K",
    "from tensorflow.python.keras import layers, models, optimizers, losses, metrics, callbacks, regularizers",
    "from tensorflow.python.keras import initializers, activations, constraints, utils",
    "from tensorflow.python.keras import preprocessing, applications, datasets",
    "from tensorflow.python.keras import Model, Sequential, Input",
    "from tensorflow.python.keras.layers import LSTM",
    "from tensorflow.python.keras.layers import GRU, CuDNNLSTM, CuDNNGRU",
    "from tensorflow.python.keras.layers import Dense, Conv2D, Input, Layer, InputSpec, BatchNormalization, Dropout",
    "from tensorflow.python.keras.layers import Bidirectional, TimeDistributed, Lambda, Concatenate, Add, Flatten",
    "from tensorflow.python.keras.layers import MaxPooling2D, GlobalAveragePooling2D, ZeroPadding2D, LeakyReLU",
    "from tensorflow.python.keras.layers import core, convolutional, pooling, normalization, recurrent, merge",
    "from tensorflow.python.keras.layers import embeddings, wrappers, advanced_activations",
    "from tensorflow.python.keras.layers.core import Dense, Dropout, Lambda, Activation, Flatten, Reshape",
    "from tensorflow.python.keras.layers.convolutional import Conv2D, Conv1D, UpSampling2D, ZeroPadding2D",
    "from tensorflow.python.keras.layers.normalization import BatchNormalization, LayerNormalization",
    "from tensorflow.python.keras.layers.recurrent import RNN, LSTMCell, GRUCell, SimpleRNN, StackedRNNCells",
    "from tensorflow.python.keras.layers.merge import concatenate, Add, Concatenate",
    "from tensorflow.python.keras.layers.embeddings import Embedding",
    "from tensorflow.python.keras.layers.wrappers import Bidirectional, TimeDistributed, Wrapper",
    "from tensorflow.python.keras.layers.advanced_activations import LeakyReLU, PReLU, Softmax",
    "from tensorflow.python.keras.models import Model, Sequential, load_model, model_from_json",
    "from tensorflow.python.keras.engine import base_layer, training, sequential, input_spec, data_adapter",
    "from tensorflow.python.keras.engine.base_layer import Layer, InputSpec",
    "from tensorflow.python.keras.engine.input_spec import InputSpec",
    "from tensorflow.python.keras.engine.training import Model",
    "from tensorflow.python.keras.engine.network import Network",
    "from tensorflow.python.keras.optimizers import Adam, SGD, RMSprop, Optimizer",
    "from tensorflow.python.keras.optimizer_v2 import adam, learning_rate_schedule",
    "from tensorflow.python.keras.optimizer_v2.optimizer_v2 import OptimizerV2",
    "from tensorflow.python.keras.optimizer_v2.adam import Adam",
    "from tensorflow.python.keras.callbacks import ModelCheckpoint, TensorBoard, EarlyStopping, Callback",
    "from tensorflow.python.keras.utils import to_categorical, Sequence, get_file, plot_model",
    "from tensorflow.python.keras.utils.np_utils import to_categorical",
    "from tensorflow.python.keras.utils.data_utils import Sequence, get_file",
    "from tensorflow.python.keras.utils.generic_utils import get_custom_objects, CustomObjectScope",
    "from tensorflow.python.keras.utils import conv_utils, tf_utils, generic_utils, layer_utils",
    "from tensorflow.python.keras.regularizers import l2, l1_l2",
    "from tensorflow.python.keras.initializers import glorot_uniform, he_normal, Constant, RandomNormal",
    "from tensorflow.python.keras.losses import categorical_crossentropy, binary_crossentropy",
    "from tensorflow.python.keras.metrics import categorical_accuracy, sparse_categorical_accuracy",
    "from tensorflow.python.keras.activations import relu, softmax, sigmoid",
    "from tensorflow.python.keras.preprocessing.image import ImageDataGenerator, load_img, img_to_array",
    "from tensorflow.python.keras.preprocessing.sequence import pad_sequences",
    "from tensorflow.python.keras.preprocessing.text import Tokenizer",
    "from tensorflow.python.keras.applications.resnet50 import ResNet50",
    "from tensorflow.python.keras.datasets import mnist, cifar10",
    "from tensorflow.python.keras.saving import hdf5_format",
    "from tensorflow.python.keras.backend import set_session, get_session, clear_session",
    "import tensorflow.python.keras.backend as K",
]


def run_tf1(source, name="migrated_script"):
    namespace = {"__name__": name}
    exec(compile(source, f"<{name}>", "exec"), namespace)
    return {k: v for k, v in namespace.items() if not k.startswith("__")}


def origin(value):
    if isinstance(value, types.ModuleType):
        return value.__name__
    return getattr(value, "__module__", None) or type(value).__module__


@pytest.mark.parametrize("statement", STATEMENTS)
def test_tensorflow_python_keras_import_binds_keras_2_15(statement):
    bound = run_tf1(statement)
    assert bound
    for name, value in bound.items():
        if isinstance(value, keras_paths.KerasPathModule):
            sources = [m.__name__ for m in value._tf1_sources]
            assert sources and all(s.startswith("keras.") for s in sources), (name, sources)
        else:  # Keras 2.15, or TensorFlow ops the TF 1.x Keras API re-exports (v1 initializers); never the copy
            assert origin(value).startswith(("keras.", "tensorflow.python.ops.")), (name, origin(value))


@pytest.mark.parametrize("statement, expected", [
    ("from tensorflow.python.keras.layers import LSTM as v", lambda: tf1.keras.layers.LSTM),
    ("from tensorflow.python.keras.layers.recurrent import LSTM as v", lambda: tf1.keras.layers.LSTM),
    ("from tensorflow.python.keras.layers import GRU as v", lambda: tf1.keras.layers.GRU),
    ("from tensorflow.python.keras.layers.normalization import BatchNormalization as v",
     lambda: tf1.keras.layers.BatchNormalization),
    ("from tensorflow.python.keras import backend as v", lambda: sys.modules["keras.src.backend"]),
    ("from tensorflow.python.keras.backend import set_session as v", lambda: tf1.keras.backend.set_session),
    ("from tensorflow.python.keras.optimizers import Adam as v", lambda: tf1.keras.optimizers.Adam),
    ("from tensorflow.python.keras.models import Model as v", lambda: tf1.keras.Model),
    ("from tensorflow.python.keras import Sequential as v", lambda: tf1.keras.Sequential),
    ("from tensorflow.python.keras.engine.base_layer import Layer as v", lambda: tf1.keras.layers.Layer),
    ("from tensorflow.python.keras.engine.network import Network as v",
     lambda: sys.modules["keras.src.engine.functional"].Functional),
    ("from tensorflow.python.keras.utils import to_categorical as v", lambda: tf1.keras.utils.to_categorical),
    ("from tensorflow.python.keras.layers.core import Dropout as v", lambda: tf1.keras.layers.Dropout),
    ("from tensorflow.python.keras.layers.convolutional import UpSampling2D as v",
     lambda: tf1.keras.layers.UpSampling2D),
    ("import tensorflow.python.keras.layers as m\nv = m.Dense", lambda: tf1.keras.layers.Dense),
    ("from tensorflow.keras.optimizers import Adam as v", lambda: tf1.keras.optimizers.Adam),
    ("from tensorflow.keras import backend as v", lambda: tf1.keras.backend),
    ("from tensorflow.keras.layers import LSTM as v", lambda: tf1.keras.layers.LSTM),
    ("import tensorflow.keras as m\nv = m.optimizers.SGD", lambda: tf1.keras.optimizers.SGD),
    ("from tensorflow import keras as m\nv = m.optimizers.RMSprop", lambda: tf1.keras.optimizers.RMSprop),
    ("import tensorflow.keras.optimizers\nimport tensorflow\nv = tensorflow.keras.optimizers.Adam",
     lambda: tf1.keras.optimizers.Adam),
])
def test_import_binds_the_tf1_keras_object(statement, expected):
    assert run_tf1(statement)["v"] is expected()


def test_tensorflow_keras_optimizers_are_the_graph_mode_ones():
    adam = run_tf1("from tensorflow.keras.optimizers import Adam")["Adam"]
    assert adam.__module__ == "keras.src.optimizers.legacy.adam"
    assert adam is not keras.optimizers.Adam


def test_keras_set_session_reaches_tf_keras_models():
    K = run_tf1("from tensorflow.python.keras import backend as K")["K"]
    with tf1.Graph().as_default():
        sess = tf1.Session()
        K.set_session(sess)
        try:
            assert tf.keras.backend.get_session() is sess
        finally:
            K.set_session(None)
            sess.close()


def test_tensorflow_keeps_its_legacy_copy():
    for module_name in ("tensorflow.python.layers.fake", "tensorflow_estimator.fake", "npu_bridge.fake"):
        bound = run_tf1("from tensorflow.python.keras import backend\nimport tensorflow.keras.optimizers as o",
                        module_name)
        assert bound["backend"] is sys.modules["tensorflow.python.keras.backend"]
        assert bound["o"].Adam.__module__ == "keras.src.optimizers.adam"
    assert sys.modules["tensorflow.python.keras"].__name__ == "tensorflow.python.keras"
    assert not isinstance(sys.modules["tensorflow.python.keras"], keras_paths.KerasPathModule)


def test_missing_counterpart_is_a_module_not_found_error_naming_it():
    with pytest.raises(ModuleNotFoundError, match="tensorflow.python.keras.no_such_thing.*no counterpart"):
        run_tf1("from tensorflow.python.keras.no_such_thing import x")
    with pytest.raises(ImportError, match="nope"):
        run_tf1("from tensorflow.python.keras.layers import nope")


def test_union_module_lists_and_star_imports():
    layers = keras_paths.resolve("layers.core")
    assert "Dense" in dir(layers) and "Dropout" in layers.__all__
    bound = run_tf1("from tensorflow.python.keras.layers.core import *")
    assert bound["Dense"] is tf1.keras.layers.Dense and bound["Dropout"] is tf1.keras.layers.Dropout


def test_candidates_come_from_the_tables():
    assert keras_paths.candidates("layers.merge") == ("keras.src.layers.merging",)
    assert keras_paths.candidates("optimizer_v2.rmsprop") == ("keras.src.optimizers.legacy.rmsprop",)
    assert keras_paths.candidates("utils.vis_utils") == (
        "keras.api._v1.keras.utils.vis_utils", "keras.src.utils.vis_utils")


def test_every_table_entry_resolves():
    for path in keras_paths.MODULES:
        module = keras_paths.resolve(path)
        assert isinstance(module, types.ModuleType), path
    for (path, name), (module, new_name) in keras_paths.RENAMED.items():
        assert keras_paths.lookup(path, name) is getattr(sys.modules[module], new_name)


def test_import_hook_is_installed_once_and_wraps_the_original():
    import builtins

    assert imports.is_redirect_installed()
    assert inspect.isbuiltin(builtins.__import__.__wrapped__)
