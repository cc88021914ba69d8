"""Group management of the emulated HCCL (``hccl.manage.api``)."""
