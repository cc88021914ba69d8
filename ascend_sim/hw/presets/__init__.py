"""Shipped hardware presets (TOML data; a package so the files install with ascend_sim)."""
