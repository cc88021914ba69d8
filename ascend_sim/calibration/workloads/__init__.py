"""Full-size training workloads built with TensorFlow in graph mode, as a migrated TF 1.x script builds them.

Each builder returns a ``Workload``: the ``tf.Graph``, the fetches a training ``Session.run`` would ask for,
the global batch and the NPU options a real run of that script would set. Inputs come from a ``tf.data``
pipeline (``inputs.synthetic_batches``: generated on the fly, nothing downloaded), read through an
``IteratorGetNext`` that data sinking (``enable_data_pre_proc``) turns into a device-side ``GetNext``.

- ``resnet50_v15``: ResNet-50 v1.5 (stride on the 3×3 convolution of each downsampling bottleneck), batch
  norm, momentum with L2 weight decay, softmax cross-entropy over 1001 classes.
- ``bert_pretraining``: BERT pre-training (embeddings, ``layers`` encoder layers, masked-LM head tied to the
  word embeddings over ``max_predictions`` gathered positions, next-sentence head), Adam.

Reduced sizes (fewer layers or a smaller image, same per-layer shapes) keep tests fast.
"""
from ascend_sim.calibration.workloads.base import Workload, npu_options
from ascend_sim.calibration.workloads.bert import BERT_BASE, BERT_LARGE, BertConfig, bert_pretraining
from ascend_sim.calibration.workloads.resnet import resnet50_v15

__all__ = ["BERT_BASE", "BERT_LARGE", "BertConfig", "Workload", "bert_pretraining", "npu_options", "resnet50_v15"]
