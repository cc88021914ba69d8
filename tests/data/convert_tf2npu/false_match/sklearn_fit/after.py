"""A TF project's evaluation helper that also uses scikit-learn and re: none of these calls is TensorFlow's."""
from npu_bridge.npu_init import *
import re

import tensorflow as tf
from sklearn.linear_model import LogisticRegression

PATTERN = re.compile(r"step-(\d+)")


def linear_probe(features, labels):
    clf = LogisticRegression(max_iter=200)
    clf.fit(features, labels)
    return clf.score(features, labels)
