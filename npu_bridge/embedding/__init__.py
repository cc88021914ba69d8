"""Embedding Service (``npu_bridge.embedding``): PS-hosted embedding tables and their optimizers.

Side effect on import, as upstream: ``path_on_tf()`` lets ``tf.train.Optimizer`` update
``NpuEmbeddingResource`` objects (other variables are processed exactly as before).
"""
from npu_bridge.embedding.embedding_optimizer import AdamOptimizer as EmbeddingAdamOptimizer
from npu_bridge.embedding.embedding_optimizer import AdagradOptimizer as EmbeddingAdagradOptimizer
from npu_bridge.embedding.embedding_optimizer import AdamWOptimizer as EmbeddingAdamWOptimizer
from npu_bridge.embedding.embedding_optimizer import SgdOptimizer as EmbeddingSgdOptimizer
from npu_bridge.embedding.embedding_optimizer import RmspropOptimizer as EmbeddingRmspropOptimizer
from npu_bridge.embedding.embedding_service import ESWorker as EmbeddingService
from npu_bridge.embedding.embedding_service import es_initializer
from npu_bridge.embedding.tf_path import path_on_tf

path_on_tf()
