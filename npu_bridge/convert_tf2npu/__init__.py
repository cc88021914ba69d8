"""``convert_tf2npu``: the TF → Ascend migration tool (command line in ``__main__``)."""
