"""AI CPU ops (``npu_cpu_ops``) and the host LRU cache (``lru_cache``), as upstream's ``npu_bridge.npu_cpu``."""
