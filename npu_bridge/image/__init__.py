"""JPEG decode-and-resize ops (upstream ``npu_bridge.image``)."""
