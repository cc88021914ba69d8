import tensorflow as tf

def input_fn(files):
    ds = tf.data.TFRecordDataset(files).map(parse)
    ds = ds.shuffle(100).batch(32, drop_remainder=False)
    return ds.repeat().batch(
        8,
    )
