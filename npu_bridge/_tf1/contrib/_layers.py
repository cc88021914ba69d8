"""``tf.contrib.layers`` encoders that tf_slim does not carry: ``embed_sequence`` and ``embedding_lookup_unique``."""
from tensorflow.python.framework import ops
from tensorflow.python.ops import array_ops, embedding_ops, variable_scope


def embedding_lookup_unique(params, ids, partition_strategy="mod", name=None):
    """``embedding_lookup`` that looks each distinct id up once, for ids of any rank.

    Returns a tensor of shape ``ids.shape + params.shape[1:]``.
    """
    with ops.name_scope(name, "EmbeddingLookupUnique", [params, ids]):
        ids = ops.convert_to_tensor(ids)
        ids_shape = array_ops.shape(ids)
        flat_ids = array_ops.reshape(ids, [-1])
        unique_ids, positions = array_ops.unique(flat_ids)
        unique_rows = embedding_ops.embedding_lookup(params, unique_ids, partition_strategy)
        rows = array_ops.gather(unique_rows, positions)
        result = array_ops.reshape(rows, array_ops.concat([ids_shape, array_ops.shape(unique_rows)[1:]], 0))
        result.set_shape(ids.get_shape().concatenate(unique_rows.get_shape()[1:]))
        return result


def embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False, initializer=None, regularizer=None,
                   trainable=True, scope=None, reuse=None):
    """Embed a ``[batch, length]`` id sequence: a ``[vocab_size, embed_dim]`` model variable
    ``<scope or EmbedSequence>/embeddings`` looked up with the ids (``unique=True``: each id once).

    ``vocab_size`` and ``embed_dim`` are required unless ``reuse`` is set.
    """
    from tf_slim.ops import variables as slim_variables

    if not (reuse or (vocab_size and embed_dim)):
        raise ValueError("Must specify vocab size and embedding dimension when not reusing. "
                         f"Got vocab_size={vocab_size} and embed_dim={embed_dim}")
    with variable_scope.variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
        shape = [vocab_size, embed_dim]
        # TF 1.15 drops the shape when reusing without a vocabulary size, and whenever embed_dim is None.
        if (reuse and vocab_size is None) or embed_dim is None:
            shape = None
        embeddings = slim_variables.model_variable(
            "embeddings", shape=shape, initializer=initializer, regularizer=regularizer, trainable=trainable)
        if unique:
            return embedding_lookup_unique(embeddings, ids)
        return embedding_ops.embedding_lookup(embeddings, ids)


__all__ = ["embed_sequence", "embedding_lookup_unique"]
