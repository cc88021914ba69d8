"""What ``tensorflow.contrib`` provides under ascend-sim's TF 1.15 runtime, as data.

``MODULES`` maps a module path relative to ``tensorflow.contrib`` ("" is the package itself) to a
:class:`ModuleDef`: ``entries`` name the object behind each public name as ``"python.module:attr"``,
``delegate`` names a module whose public names are all provided (``tf_slim`` for ``slim``). Child
modules are the other keys under a path.  Which names to cover was chosen from the contrib usage
counts of migrated scripts (reference ``npu_bridge_api.md`` §10.6) and the TF 1.15 API list
(``tf1.15_api_support.csv``): the frequently used modules are covered name by name, with a
maintained library (``tf_slim``) or TensorFlow 2.15's own object where one has TF 1.15's meaning,
and our code (``_*.py`` next to this file) where neither exists.

``NOT_PROVIDED`` gives the reason shown for TF 1.15 contrib modules and names deliberately left out.
"""
from typing import Dict, NamedTuple, Optional

ROOT = "tensorflow.contrib"
_HERE = "npu_bridge._tf1.contrib"
_V1 = "tensorflow.compat.v1"


class ModuleDef(NamedTuple):
    entries: Dict[str, str] = {}
    delegate: Optional[str] = None
    doc: str = ""


def _names(source: str, names: str) -> Dict[str, str]:
    """``{"a": "source:a", ...}`` for the whitespace-separated ``names``."""
    return {name: f"{source}:{name}" for name in names.split()}


def _renamed(source: str, mapping: Dict[str, str]) -> Dict[str, str]:
    """``{contrib_name: "source:attr"}`` where TF 2.15 spells the name differently."""
    return {name: f"{source}:{attr}" for name, attr in mapping.items()}


_SLIM_LAYERS = _names("tf_slim.layers.layers", """
    GDN avg_pool2d avg_pool3d batch_norm bias_add conv1d conv2d conv2d_in_plane conv2d_transpose conv3d
    conv3d_transpose convolution convolution1d convolution2d convolution2d_in_plane convolution2d_transpose
    convolution3d convolution3d_transpose dense_to_sparse dropout flatten fully_connected gdn
    images_to_sequence layer_norm legacy_fully_connected max_pool2d max_pool3d maxout one_hot_encoding
    repeat separable_conv2d separable_convolution2d sequence_to_images softmax spatial_softmax stack
    unit_norm""")

LAYERS = {
    **_SLIM_LAYERS,
    **_names("tf_slim.layers.normalization", "group_norm instance_norm"),
    **_names("tf_slim.layers.initializers", "xavier_initializer xavier_initializer_conv2d variance_scaling_initializer"),
    **_names("tf_slim.layers.regularizers",
             "apply_regularization l1_regularizer l1_l2_regularizer l2_regularizer sum_regularizer"),
    **_names("tf_slim.layers.optimizers", "optimize_loss OPTIMIZER_CLS_NAMES OPTIMIZER_SUMMARIES"),
    **_names("tf_slim.layers.rev_block_lib", "RevBlock rev_block recompute_grad"),
    **_names("tf_slim.layers.summaries", """summarize_activation summarize_activations summarize_collection
             summarize_tensor summarize_tensors"""),
    **_names(f"{_HERE}._layers", "embed_sequence embedding_lookup_unique"),
    **_renamed(_V1, {"safe_embedding_lookup_sparse": "nn.safe_embedding_lookup_sparse"}),
}

FRAMEWORK = {
    **_names("tf_slim.ops.arg_scope", "add_arg_scope arg_scope arg_scoped_arguments current_arg_scope has_arg_scope"),
    **_names("tf_slim.ops.variables", """VariableDeviceChooser add_model_variable assert_global_step
             assert_or_get_global_step assign_from_checkpoint assign_from_checkpoint_fn assign_from_values
             assign_from_values_fn create_global_step filter_variables get_global_step get_local_variables
             get_model_variables get_or_create_global_step get_trainable_variables get_unique_variable
             get_variable_full_name get_variables get_variables_by_name get_variables_by_suffix
             get_variables_to_restore global_variable local_variable model_variable variable"""),
    **_names("tensorflow.python.framework.tensor_spec", "TensorSpec BoundedTensorSpec"),
    **_names("tensorflow.python.ops.data_flow_ops", "RecordInput"),
    **_names("tensorflow.python.ops.check_ops", "assert_same_float_dtype assert_scalar"),
    **_names("tensorflow.python.framework.sparse_tensor", "convert_to_tensor_or_sparse_tensor"),
    **_renamed("tensorflow.python.ops.init_ops", {
        "convolutional_delta_orthogonal": "ConvolutionDeltaOrthogonal",
        "convolutional_orthogonal_1d": "ConvolutionOrthogonal1D",
        "convolutional_orthogonal_2d": "ConvolutionOrthogonal2D",
        "convolutional_orthogonal_3d": "ConvolutionOrthogonal3D"}),
    **_names("tensorflow.python.util.deprecation", "deprecated deprecated_args deprecated_arg_values"),
    **_names("tensorflow.python.framework.ops", "get_name_scope prepend_name_scope strip_name_scope"),
    **_renamed("tensorflow.python.framework.ops", {"get_graph_from_inputs": "_get_graph_from_inputs"}),
    **_names("tensorflow.python.framework.smart_cond", "smart_cond smart_case smart_constant_value"),
    **_renamed(_V1, {"argsort": "argsort", "sort": "sort", "is_tensor": "is_tensor",
                     "init_from_checkpoint": "train.init_from_checkpoint",
                     "list_variables": "train.list_variables", "load_checkpoint": "train.load_checkpoint",
                     "load_variable": "train.load_variable"}),
    **_names(f"{_HERE}._framework", """assert_scalar_int get_placeholders reduce_sum_n
             remove_squeezable_dimensions with_shape with_same_shape zero_initializer"""),
}

NEST = _renamed("tensorflow.python.util.nest", {
    "is_sequence": "is_nested", "is_sequence_or_composite": "is_nested_or_composite"})

RNN = {
    **_renamed(_V1, {name: f"nn.rnn_cell.{name}" for name in (
        "BasicLSTMCell BasicRNNCell DeviceWrapper DropoutWrapper GRUCell LSTMCell LSTMStateTuple "
        "MultiRNNCell RNNCell ResidualWrapper").split()}),
    **_renamed(_V1, {name: f"nn.{name}" for name in "static_rnn static_bidirectional_rnn static_state_saving_rnn".split()}),
    **_names("tensorflow.python.ops.rnn_cell_impl", "LayerRNNCell"),
    **_renamed("tensorflow.python.ops.rnn", {"transpose_batch_time": "_transpose_batch_time",
                                             "best_effort_input_batch_size": "_best_effort_input_batch_size"}),
    **_names(f"{_HERE}._rnn_cells", """LSTMBlockCell LSTMBlockFusedCell GRUBlockCell GRUBlockCellV2
             LayerNormBasicLSTMCell InputProjectionWrapper OutputProjectionWrapper EmbeddingWrapper"""),
    **_names(f"{_HERE}._rnn", "stack_bidirectional_rnn stack_bidirectional_dynamic_rnn"),
}

DATA = {
    **_renamed(_V1, {name: f"data.experimental.{name}" for name in (
        "CheckpointInputPipelineHook Counter CsvDataset Optional RandomDataset Reducer SqlDataset TFRecordWriter "
        "bucket_by_sequence_length choose_from_datasets copy_to_device dense_to_sparse_batch enumerate_dataset "
        "get_next_as_optional get_single_element group_by_reducer group_by_window ignore_errors "
        "make_batched_features_dataset make_csv_dataset make_saveable_from_iterator map_and_batch "
        "parallel_interleave parse_example_dataset prefetch_to_device rejection_resample sample_from_datasets "
        "scan shuffle_and_repeat unbatch unique AUTOTUNE").split()}),
    **_names(f"{_HERE}._data", """assert_element_shape batch_and_drop_remainder padded_batch_and_drop_remainder
             sliding_window_batch sloppy_interleave"""),
}

TRAINING = {
    **_names(f"{_HERE}._hparam", "HParams parse_values"),
    **_renamed(_V1, {"checkpoints_iterator": "train.checkpoints_iterator",
                     "bucket_by_sequence_length": "data.experimental.bucket_by_sequence_length"}),
    **_names("tf_slim.training.training", "add_gradients_summaries clip_gradient_norms clip_gradient_norms_fn "
                                          "create_train_op multiply_gradients train"),
    **_names("tf_slim.training.evaluation", """SummaryAtEndHook StopAfterNEvalsHook evaluate_once
             evaluate_repeatedly get_or_create_eval_step wait_for_new_checkpoint"""),
}

OPT = {
    **_names(f"{_HERE}._opt", "LazyAdamOptimizer MovingAverageOptimizer"),
    **_names(f"{_HERE}._weight_decay", """DecoupledWeightDecayExtension AdamWOptimizer MomentumWOptimizer
             extend_with_decoupled_weight_decay"""),
}

METRICS = {
    **_names("tf_slim.metrics", """accuracy aggregate_metric_map aggregate_metrics auc_using_histogram
             auc_with_confidence_intervals cohen_kappa count f1_score precision_at_recall
             precision_recall_at_equal_thresholds recall_at_precision sparse_recall_at_top_k streaming_accuracy
             streaming_auc streaming_concat streaming_covariance streaming_curve_points streaming_dynamic_auc
             streaming_false_negative_rate streaming_false_negative_rate_at_thresholds streaming_false_negatives
             streaming_false_negatives_at_thresholds streaming_false_positive_rate
             streaming_false_positive_rate_at_thresholds streaming_false_positives
             streaming_false_positives_at_thresholds streaming_mean streaming_mean_absolute_error
             streaming_mean_cosine_distance streaming_mean_iou streaming_mean_relative_error
             streaming_mean_squared_error streaming_mean_tensor streaming_pearson_correlation
             streaming_percentage_less streaming_precision streaming_precision_at_thresholds streaming_recall
             streaming_recall_at_k streaming_recall_at_thresholds streaming_root_mean_squared_error
             streaming_sensitivity_at_specificity streaming_sparse_average_precision_at_k
             streaming_sparse_average_precision_at_top_k streaming_sparse_precision_at_k
             streaming_sparse_precision_at_top_k streaming_sparse_recall_at_k streaming_specificity_at_sensitivity
             streaming_true_negatives streaming_true_negatives_at_thresholds streaming_true_positives
             streaming_true_positives_at_thresholds"""),
    **_renamed(_V1, {"set_difference": "sets.set_difference", "set_intersection": "sets.set_intersection",
                     "set_size": "sets.set_size", "set_union": "sets.set_union",
                     "confusion_matrix": "confusion_matrix"}),
}

TPU = {
    **_renamed(_V1, {name: f"estimator.tpu.{name}" for name in
                     "InputPipelineConfig RunConfig TPUConfig TPUEstimator TPUEstimatorSpec".split()}),
    **_renamed(_V1, {name: f"tpu.{name}" for name in (
        "batch_parallel bfloat16_scope core cross_replica_sum initialize_system outside_compilation replicate "
        "rewrite shard shutdown_system").split()}),
    **_renamed(_V1, {"DeviceAssignment": "tpu.experimental.DeviceAssignment",
                     "Topology": "tpu.experimental.Topology"}),
    **_names("tensorflow.python.tpu.ops.tpu_ops", """infeed_dequeue infeed_dequeue_tuple infeed_enqueue
             infeed_enqueue_tuple outfeed_dequeue outfeed_dequeue_tuple outfeed_enqueue outfeed_enqueue_tuple"""),
    **_names(f"{_HERE}._tpu", "CrossShardOptimizer"),
}

SEQ2SEQ = {
    **_names(f"{_HERE}._seq2seq", "sequence_loss tile_batch hardmax"),
    **_names(f"{_HERE}._seq2seq_decode", "Decoder BasicDecoder BasicDecoderOutput dynamic_decode"),
    **_names(f"{_HERE}._seq2seq_helpers", """Helper CustomHelper TrainingHelper GreedyEmbeddingHelper
             SampleEmbeddingHelper InferenceHelper"""),
}

LEGACY_SEQ2SEQ = _names(f"{_HERE}._seq2seq", "sequence_loss_by_example rnn_decoder")
LEGACY_SEQ2SEQ["sequence_loss"] = f"{_HERE}._seq2seq:legacy_sequence_loss"

MIXED_PRECISION = _names("npu_bridge.estimator.npu._contrib_mixed_precision", """LossScaleManager
                         FixedLossScaleManager ExponentialUpdateLossScaleManager LossScaleOptimizer""")

DISTRIBUTE = {
    **_names(f"{_HERE}._distribute", "MirroredStrategy"),
    **_renamed(_V1, {"OneDeviceStrategy": "distribute.OneDeviceStrategy", "CrossDeviceOps": "distribute.CrossDeviceOps",
                     "ReplicaContext": "distribute.ReplicaContext", "DistributionStrategy": "distribute.Strategy",
                     "get_replica_context": "distribute.get_replica_context",
                     "get_strategy": "distribute.get_strategy", "get_distribution_strategy": "distribute.get_strategy",
                     "has_strategy": "distribute.has_strategy",
                     "has_distribution_strategy": "distribute.has_strategy",
                     "in_cross_replica_context": "distribute.in_cross_replica_context",
                     "get_loss_reduction": "distribute.get_loss_reduction"}),
    **_names("tensorflow.python.distribute.distribute_lib", "get_cross_replica_context"),
}

CLUSTER_RESOLVER = _renamed(_V1, {name: f"distribute.cluster_resolver.{attr}" for name, attr in {
    "ClusterResolver": "ClusterResolver", "GCEClusterResolver": "GCEClusterResolver",
    "KubernetesClusterResolver": "KubernetesClusterResolver", "SimpleClusterResolver": "SimpleClusterResolver",
    "SlurmClusterResolver": "SlurmClusterResolver", "TFConfigClusterResolver": "TFConfigClusterResolver",
    "TPUClusterResolver": "TPUClusterResolver", "UnionClusterResolver": "UnionResolver"}.items()})

LOOKUP = {
    **_names("tensorflow.python.ops.lookup_ops", """HashTable HasherSpec IdTableWithHashBuckets
             InitializableLookupTableBase KeyValueTensorInitializer LookupInterface MutableDenseHashTable
             MutableHashTable StrongHashSpec TableInitializerBase TextFileIdTableInitializer TextFileIndex
             TextFileInitializer TextFileStringTableInitializer index_table_from_file index_table_from_tensor
             index_to_string_table_from_file index_to_string_table_from_tensor"""),
}

SUMMARY = _names("tensorflow.python.ops.summary_ops_v2", """SummaryWriter always_record_summaries audio
                 create_file_writer create_summary_file_writer eval_dir flush generic graph histogram image
                 import_event initialize never_record_summaries record_summaries_every_n_global_steps scalar
                 should_record_summaries summary_writer_initializer_op""")

MODULES: Dict[str, ModuleDef] = {
    "": ModuleDef(doc="TensorFlow 1.15's contrib namespace, as provided by ascend-sim's TF 1.15 runtime."),
    "layers": ModuleDef(LAYERS),
    "layers.summaries": ModuleDef(delegate="tf_slim.layers.summaries"),
    "layers.python.layers": ModuleDef(delegate="tf_slim.layers"),
    "slim": ModuleDef(delegate="tf_slim"),
    "slim.nets": ModuleDef(delegate="tf_slim.nets"),
    "slim.python.slim.nets": ModuleDef(delegate="tf_slim.nets"),
    "slim.python.slim.learning": ModuleDef(delegate="tf_slim.learning"),
    "framework": ModuleDef(FRAMEWORK),
    "framework.nest": ModuleDef(NEST, delegate="tensorflow.python.util.nest"),
    "framework.python.ops": ModuleDef(FRAMEWORK),
    "framework.python.ops.arg_scope": ModuleDef(delegate="tf_slim.ops.arg_scope"),
    "framework.python.ops.variables": ModuleDef(delegate="tf_slim.ops.variables"),
    "rnn": ModuleDef(RNN),
    "data": ModuleDef(DATA),
    "training": ModuleDef(TRAINING),
    "training.python.training.hparam": ModuleDef(delegate=f"{_HERE}._hparam"),
    "opt": ModuleDef(OPT),
    "metrics": ModuleDef(METRICS),
    "losses": ModuleDef(delegate="tf_slim.losses"),
    "losses.metric_learning": ModuleDef(delegate="tf_slim.losses.metric_learning"),
    "tpu": ModuleDef(TPU),
    "seq2seq": ModuleDef(SEQ2SEQ),
    "legacy_seq2seq": ModuleDef(LEGACY_SEQ2SEQ),
    "mixed_precision": ModuleDef(MIXED_PRECISION),
    "distribute": ModuleDef(DISTRIBUTE),
    "cluster_resolver": ModuleDef(CLUSTER_RESOLVER),
    "lookup": ModuleDef(LOOKUP),
    "summary": ModuleDef(SUMMARY),
    "staging": ModuleDef(_names("tensorflow.python.ops.data_flow_ops", "StagingArea")),
    "crf": ModuleDef(_names(f"{_HERE}._crf", """CrfDecodeBackwardRnnCell CrfDecodeForwardRnnCell CrfForwardRnnCell
                     crf_binary_score crf_decode crf_log_likelihood crf_log_norm crf_multitag_sequence_score
                     crf_sequence_score crf_unary_score viterbi_decode""")),
    "image": ModuleDef(_names(f"{_HERE}._image", """angles_to_projective_transforms compose_transforms
                       flat_transforms_to_matrices matrices_to_flat_transforms rotate transform translate
                       translations_to_projective_transforms""")),
    "stateless": ModuleDef(_names("tensorflow.python.ops.stateless_random_ops", """stateless_multinomial
                           stateless_random_normal stateless_random_uniform stateless_truncated_normal""")),
    "signal": ModuleDef(delegate="tensorflow.compat.v1.signal"),
    "distributions": ModuleDef(delegate="tensorflow.compat.v1.distributions"),
    "keras": ModuleDef(delegate="tensorflow.compat.v1.keras"),
    "util": ModuleDef({
        **_renamed("tensorflow.python.framework.tensor_util", {
            "constant_value": "constant_value", "make_tensor_proto": "make_tensor_proto", "make_ndarray": "MakeNdarray"}),
        **_names("tensorflow.python.framework.meta_graph", "ops_used_by_graph_def stripped_op_list_for_graph")}),
    "feature_column": ModuleDef(_renamed(_V1, {name: f"feature_column.{name}" for name in (
        "sequence_categorical_column_with_hash_bucket sequence_categorical_column_with_identity "
        "sequence_categorical_column_with_vocabulary_file sequence_categorical_column_with_vocabulary_list "
        "sequence_numeric_column").split()})),
}

_CUDA = "needs NVIDIA CUDA kernels, which the Ascend NPU does not have either"
_REMOVED = "removed from TensorFlow after 1.15 with no TF 2.15 equivalent"
NOT_PROVIDED: Dict[str, str] = {
    "cudnn_rnn": _CUDA + "; use tensorflow.contrib.rnn.LSTMBlockCell/GRUBlockCellV2 or tf.keras.layers.LSTM",
    "memory_stats": _CUDA, "nccl": _CUDA, "rpc": _REMOVED,
    "learn": "tf.contrib.learn was deprecated in TF 1.x; use tf.estimator "
             "(MNIST: tensorflow.examples.tutorials.mnist.input_data)",
    "eager": "eager execution is off under the TF 1.15 runtime",
    "estimator": "tf.contrib.estimator heads and replicate_model_fn; use tf.estimator / tf.estimator.experimental",
    "quantize": "quantization-aware graph rewriting for TFLite; " + _REMOVED,
    "predictor": _REMOVED + "; load the SavedModel with tf.saved_model.loader.load",
    "checkpoint": "use tf.train.Checkpoint / tf.train.CheckpointManager",
    "nn": "not emulated yet; most of it is in tf.nn",
    "graph_editor": _REMOVED, "model_pruning": _REMOVED, "timeseries": _REMOVED, "factorization": _REMOVED,
    "boosted_trees": _REMOVED, "tensor_forest": _REMOVED, "gan": _REMOVED, "bayesflow": _REMOVED,
    "autograph": "use tf.autograph", "compiler": _REMOVED, "tfprof": "use tf.profiler",
}

NOT_PROVIDED_NAMES: Dict[str, Dict[str, str]] = {
    "layers": dict.fromkeys((
        "bucketized_column check_feature_columns create_feature_spec_for_parsing crossed_column embedding_column "
        "feature_column infer_real_valued_columns input_from_feature_columns "
        "joint_weighted_sum_from_feature_columns make_place_holder_tensors_for_base_features multi_class_target "
        "one_hot_column parse_feature_columns_from_examples parse_feature_columns_from_sequence_examples "
        "real_valued_column regression_target scattered_embedding_column sequence_input_from_feature_columns "
        "shared_embedding_columns sparse_column_with_hash_bucket sparse_column_with_integerized_feature "
        "sparse_column_with_keys sparse_column_with_vocabulary_file transform_features weighted_sparse_column "
        "weighted_sum_from_feature_columns").split(),
        "the contrib feature-column system is not provided; use tf.feature_column"),
    "tpu": dict.fromkeys("TPUDistributionStrategy keras_to_tpu_model".split(), _REMOVED),
    "feature_column": {"sequence_input_layer": "use tf.keras.experimental.SequenceFeatures"},
    "image": dict.fromkeys("bipartite_match connected_components dense_image_warp interpolate_spline "
                           "single_image_random_dot_stereograms sparse_image_warp".split(),
                           "not emulated yet (only the projective transforms are)"),
}


def _complete(modules: Dict[str, ModuleDef]) -> Dict[str, ModuleDef]:
    """Add an empty package for every intermediate path (``layers.python`` for ``layers.python.layers``)."""
    full = dict(modules)
    for path in modules:
        parts = path.split(".")
        for depth in range(1, len(parts)):
            full.setdefault(".".join(parts[:depth]), ModuleDef())
    return full


MODULES = _complete(MODULES)
