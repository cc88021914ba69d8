"""Data files of convert_tf2npu (a package so that the wheel ships them): ``tf1.15_api_support.csv``, Huawei's
TF 1.15 API support list as upstream ships it (Sheet1 of ``tf1.15_api_support_list.xlsx``, Apache-2.0; format
in docs/migration.md)."""
