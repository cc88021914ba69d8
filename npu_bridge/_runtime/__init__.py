"""Process-wide runtime pieces of the drop-in (the Session patch; later the NPU session runtime)."""
