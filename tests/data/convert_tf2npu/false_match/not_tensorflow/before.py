"""setup.py-like helper: imports, but no TensorFlow; it must come out byte-for-byte the same."""
import os
from setuptools import setup


def device(name):
    return name


class Session:
    def __init__(self, config=None):
        self.config = config


sess = Session(config={"a": 1})
setup(name="proj", version=os.environ.get("VERSION", "0.1"))
