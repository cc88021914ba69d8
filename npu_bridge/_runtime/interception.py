"""Where TensorFlow's session runs enter the NPU session runtime (installed with the Session patch).

Wrapped once, idempotently, on ``BaseSession``:

- ``_do_run``: every ``Session.run`` (and ``make_callable`` with a feed list, which delegates to ``run``)
  reaches it with the fetches and feeds TensorFlow has already normalised (targets, fetch tensors, fed
  tensors with numpy values), so the signature costs a few tuple builds. Partial runs pass through.
- ``make_callable`` without a feed list (it bypasses ``_do_run``): the returned callable is wrapped.
- ``_make_callable_from_options`` (Keras v1 ``fit`` / ``evaluate`` / ``predict``): the returned
  ``_Callable`` is wrapped; feed shapes come from each call's arguments.
- ``close``: the device session logs its totals and closes its profiling sink.

Sessions off the device (``device_session.attach`` gives False) run the original methods after one
attribute read. ``uninstall()`` restores the originals (tests).
"""
from __future__ import annotations

import functools

from tensorflow.python.client import session as tf_session

from npu_bridge._runtime import device_session
from npu_bridge._runtime.compiled import signature_of

_BASE = tf_session.BaseSession
_MARKER = "_ascend_device_runtime"
_ORIGINALS: dict = {}
_STATE = device_session.STATE_ATTR
_NO_KWARGS: dict = {}


def is_installed() -> bool:
    return getattr(_BASE.__dict__.get("_do_run"), _MARKER, False)


def _state(sess):
    state = sess.__dict__.get(_STATE)
    if state is None:
        state = device_session.attach(sess)
    return state


def _do_run(self, handle, target_list, fetch_list, feed_dict, options, run_metadata):
    original = _ORIGINALS["_do_run"]
    state = self.__dict__.get(_STATE)
    if state is None:
        state = device_session.attach(self)
    if not state or handle is not None:
        return original(self, handle, target_list, fetch_list, feed_dict, options, run_metadata)
    key = signature_of(target_list, fetch_list, feed_dict)
    entry = state.compiled(self._graph, key, lambda: (
        target_list, fetch_list, [(ref.deref(), getattr(v, "shape", None)) for ref, v in feed_dict.items()]))
    if entry.iterations == 1:
        return state.run_once(entry, original, (self, None, target_list, fetch_list, feed_dict, options,
                                                run_metadata), _NO_KWARGS)
    return state.run(
        entry,
        lambda: original(self, None, target_list, fetch_list, feed_dict, options, run_metadata),
        lambda: original(self, None, list(entry.loop_ops), [], {}, options, None),
        fed_names=[ref.deref().name for ref in feed_dict] if entry.iterations > 1 else ())


def _make_callable(self, fetches, feed_list=None, accept_options=False):
    fn = _ORIGINALS["make_callable"](self, fetches, feed_list, accept_options)
    if feed_list is not None:
        return fn                   # it calls self.run, which is accounted already
    state = _state(self)
    if not state:
        return fn
    handler = tf_session._FetchHandler(self._graph, fetches, {})  # pylint: disable=protected-access
    targets, fetch_list = handler.targets(), handler.fetches()
    key = signature_of(targets, fetch_list, {})
    graph = self._graph
    run_original = _ORIGINALS["_do_run"]

    @functools.wraps(fn)
    def device_callable(*args, **kwargs):
        entry = state.compiled(graph, key, lambda: (targets, fetch_list, []))
        return state.run(entry, lambda: fn(*args, **kwargs),
                         lambda: run_original(self, None, list(entry.loop_ops), [], {}, None, None))

    return device_callable


class DeviceCallable:
    """A ``BaseSession._Callable`` whose calls are accounted on the device session."""

    def __init__(self, session, wrapped, state, callable_options):
        graph = session._graph  # pylint: disable=protected-access
        self._wrapped = wrapped
        self._session = session
        self._state = state
        self._graph = graph
        self._targets = [graph.as_graph_element(n, allow_tensor=False, allow_operation=True)
                         for n in callable_options.target]
        self._fetches = [graph.as_graph_element(n, allow_tensor=True, allow_operation=False)
                         for n in callable_options.fetch]
        self._feeds = [graph.as_graph_element(n, allow_tensor=True, allow_operation=False)
                       for n in callable_options.feed]
        self._key_head = (tuple(map(id, self._targets)), tuple(map(id, self._fetches)))
        self._feed_ids = tuple(map(id, self._feeds))
        self._entries = {}          # feed shapes -> Compiled (the session's cache, without building the key)

    def __call__(self, *args, **kwargs):
        try:
            shapes = tuple([a.shape for a in args])
        except AttributeError:
            shapes = tuple([getattr(a, "shape", None) for a in args])
        entry = self._entries.get(shapes)
        if entry is None:
            key = self._key_head + (tuple(zip(self._feed_ids, shapes)),)
            entry = self._state.compiled(self._graph, key, lambda: (self._targets, self._fetches,
                                                                    list(zip(self._feeds, shapes))))
            self._entries[shapes] = entry
        if entry.iterations == 1:
            return self._state.run_once(entry, self._wrapped, args, kwargs)
        run_original = _ORIGINALS["_do_run"]
        return self._state.run(
            entry, lambda: self._wrapped(*args, **kwargs),
            lambda: run_original(self._session, None, list(entry.loop_ops), [], {}, None, None),
            fed_names=[t.name for t in self._feeds])

    def __getattr__(self, name):
        return getattr(self._wrapped, name)


def _make_callable_from_options(self, callable_options):
    wrapped = _ORIGINALS["_make_callable_from_options"](self, callable_options)
    state = _state(self)
    if not state:
        return wrapped
    return DeviceCallable(self, wrapped, state, callable_options)


def _close(self):
    try:
        _ORIGINALS["close"](self)
    finally:
        state = self.__dict__.get(_STATE)
        if state:
            state.close()


_WRAPPERS = {"_do_run": _do_run, "make_callable": _make_callable,
             "_make_callable_from_options": _make_callable_from_options, "close": _close}


def install() -> bool:
    """Wrap the BaseSession methods once (idempotent); returns True."""
    if is_installed():
        return True
    from npu_bridge._runtime import settings

    settings.make_log_lines_visible()
    for name, wrapper in _WRAPPERS.items():
        _ORIGINALS[name] = _BASE.__dict__[name]
        patched = functools.wraps(_ORIGINALS[name])(wrapper)
        setattr(patched, _MARKER, True)
        setattr(_BASE, name, patched)
    return True


def uninstall() -> None:
    """Restore the original BaseSession methods (used by tests)."""
    if not is_installed():
        return
    for name in _WRAPPERS:
        setattr(_BASE, name, _ORIGINALS[name])
