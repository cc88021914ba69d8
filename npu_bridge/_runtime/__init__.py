"""Process-wide runtime pieces of the drop-in: the Session patch and the NPU session runtime (docs/runtime.md).

- ``session_patch``: upstream's ``tf.Session`` patch, which also installs the device runtime;
- ``interception``: the wrapped ``BaseSession`` methods through which every run reaches the device session;
- ``device_session``: a session's device state (options, compile cache, iterations_per_loop loop, ledger);
- ``compiled``: one run signature lowered and simulated through ``ascend_sim``;
- ``accounting``: emulated time, step records and the log line of a session;
- ``summaries``: the Estimator's emulated-step TensorBoard scalars;
- ``settings``: the environment knobs and the session config readers.
"""
