"""TF 1.15 tf.gfile and tf.logging: files made, listed, copied, renamed, read back; log records captured."""
import json
import logging
import os

import tensorflow as tf
from npu_bridge.npu_init import *


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append((record.levelname, record.getMessage()))


def main():
    capture = Capture()
    tf.get_logger().addHandler(capture)
    tf.logging.set_verbosity(tf.logging.INFO)
    root = os.path.join(os.getcwd(), "gfile_root")
    tf.gfile.MakeDirs(os.path.join(root, "a", "b"))
    with tf.gfile.GFile(os.path.join(root, "a", "one.txt"), "w") as f:
        f.write("first line\nsecond line\n")
    with tf.gfile.Open(os.path.join(root, "a", "b", "two.bin"), "wb") as f:
        f.write(b"\x00\x01\x02")
    tf.gfile.Copy(os.path.join(root, "a", "one.txt"), os.path.join(root, "copy.txt"), overwrite=True)
    tf.gfile.Rename(os.path.join(root, "copy.txt"), os.path.join(root, "renamed.txt"))
    with tf.gfile.FastGFile(os.path.join(root, "renamed.txt"), "r") as f:
        lines = f.readlines()
    walked = sorted((os.path.relpath(d, root), sorted(files)) for d, _, files in tf.gfile.Walk(root))
    listing = sorted(tf.gfile.ListDirectory(root))
    globbed = sorted(os.path.basename(p) for p in tf.gfile.Glob(os.path.join(root, "a", "*.txt")))
    size = tf.gfile.Stat(os.path.join(root, "a", "b", "two.bin")).length
    tf.gfile.Remove(os.path.join(root, "renamed.txt"))
    exists_after_remove = tf.gfile.Exists(os.path.join(root, "renamed.txt"))
    tf.logging.info("processed %d lines", len(lines))
    tf.logging.warning("warned %s", "once")
    tf.logging.debug("not shown at INFO")
    tf.gfile.DeleteRecursively(root)
    print("RESULT " + json.dumps({
        "lines": lines, "walked": walked, "listing": listing, "globbed": globbed, "size": size,
        "exists_after_remove": exists_after_remove, "root_exists_at_end": tf.gfile.Exists(root),
        "is_directory": tf.gfile.IsDirectory(os.getcwd()),
        "log": capture.records, "verbosity": tf.logging.get_verbosity(),
    }))


if __name__ == "__main__":
    main()
