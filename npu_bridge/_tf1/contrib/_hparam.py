"""``tf.contrib.training.HParams`` and ``parse_values`` with TF 1.15's semantics.

A hyperparameter's type is fixed when it is added (the type of its value, or of the first element
of a list value); later assignments are cast to that type when the cast loses nothing (int → float,
never float → int, bool ↔ number or string ↔ non-string), else ``ValueError``.  ``parse`` reads a
comma-separated ``name=value`` string: ``a=1,b=[1,2,3],c=hello,d=true``.

Not provided: the ``HParamDef`` protocol buffer (``hparam_def=``, ``to_proto``, ``from_proto``),
which TF 2.15 does not ship.
"""
import json
import numbers
import re

_PARAM_RE = re.compile(r"""
  (?P<name>[a-zA-Z][\w\.]*)      # variable name: "var" or "x"
  (\[\s*(?P<index>\d+)\s*\])?    # (optional) index: "1" or None
  \s*=\s*
  ((?P<val>[^,\[]*)              # single value: "a" or None
   |
   \[(?P<vals>[^\]]*)\])         # list of values: None or "1,2,3"
  ($|,\s*)""", re.VERBOSE)


def _parse_fail(name, var_type, value, values):
    raise ValueError(f"Could not parse hparam '{name}' of type '{var_type.__name__}' with value '{value}' in {values}")


def _reuse_fail(name, values):
    raise ValueError(f"Multiple assignments to variable '{name}' in {values}")


def _bool_parser(name, values):
    def parse(value):
        if value in ("true", "True"):
            return True
        if value in ("false", "False"):
            return False
        try:
            return bool(int(value))
        except ValueError:
            _parse_fail(name, bool, value, values)
    return parse


def _store_scalar(name, parse, var_type, match, values, results):
    try:
        parsed = parse(match["val"])
    except ValueError:
        _parse_fail(name, var_type, match["val"], values)
    if not match["index"]:
        if name in results:
            _reuse_fail(name, values)
        results[name] = parsed
        return
    if name in results and not isinstance(results[name], dict):
        _reuse_fail(name, values)
    index = int(match["index"])
    if index in results.setdefault(name, {}):
        _reuse_fail(name, values)
    results[name][index] = parsed


def _store_list(name, parse, var_type, match, values, results):
    if match["index"] is not None:
        raise ValueError("Assignment of a list to a list index.")
    elements = [e for e in re.split("[ ,]", match["vals"]) if e]
    if name in results:
        _reuse_fail(name, values)
    try:
        results[name] = [parse(e) for e in elements]
    except ValueError:
        _parse_fail(name, var_type, match["vals"], values)


def parse_values(values, type_map, ignore_unknown=False):
    """Parse ``"a=1,b=[2,3],c[1]=4"`` into ``{"a": 1, "b": [2, 3], "c": {1: 4}}``.

    ``type_map`` maps each name to the type its values are parsed as (``bool`` accepts
    true/True/false/False or an integer).  An unknown name is a ``ValueError`` unless
    ``ignore_unknown``; so are a malformed string, a value that does not parse and a repeated name.
    """
    results = {}
    pos = 0
    while pos < len(values):
        found = _PARAM_RE.match(values, pos)
        if not found:
            raise ValueError(f"Malformed hyperparameter value: {values[pos:]}")
        pos = found.end()
        match = found.groupdict()
        name = match["name"]
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError(f"Unknown hyperparameter type for {name}")
        var_type = type_map[name]
        parse = _bool_parser(name, values) if var_type == bool else var_type
        if match["val"] is not None:
            _store_scalar(name, parse, var_type, match, values, results)
        elif match["vals"] is not None:
            _store_list(name, parse, var_type, match, values, results)
        else:
            _parse_fail(name, var_type, "", values)
    return results


def _cast_to_type_if_compatible(name, param_type, value):
    """``value`` as ``param_type`` when that loses nothing, else ``ValueError``."""
    fail = f"Could not cast hparam '{name}' of type '{param_type}' from value {value!r}"
    if type(value) == param_type:  # pylint: disable=unidiomatic-typecheck  (isinstance(True, int) is True)
        return value
    if issubclass(param_type, type(None)):
        return value
    if issubclass(param_type, (str, bytes)) and not isinstance(value, (str, bytes)):
        raise ValueError(fail)
    if issubclass(param_type, bool) != isinstance(value, bool):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise ValueError(fail)
    return param_type(value)


def _without_callables(value):
    if isinstance(value, dict):
        return {k: _without_callables(v) for k, v in value.items() if not callable(v)}
    if isinstance(value, list):
        return [_without_callables(v) for v in value if not callable(v)]
    return value


class HParams:
    """A set of named, typed hyperparameters readable as attributes (``hparams.learning_rate``)."""

    _HAS_DYNAMIC_ATTRIBUTES = True  # tells pytype/pylint that attributes are set at runtime

    def __init__(self, hparam_def=None, model_structure=None, **kwargs):
        self._hparam_types = {}
        self._model_structure = model_structure
        if hparam_def:
            raise NotImplementedError(
                "HParams(hparam_def=...) needs the HParamDef protocol buffer of tensorflow.contrib.training, "
                "which ascend-sim's TF 1.15 runtime does not provide; pass the values as keyword arguments")
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name, value):
        """Add hyperparameter ``name`` (``ValueError`` if the name is taken or a list value is empty)."""
        if getattr(self, name, None) is not None:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name, value):
        """Set an existing hyperparameter, casting to its type (``KeyError`` if ``name`` is unknown)."""
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError(f"Must not pass a list for single-valued parameter: {name}")
            setattr(self, name, [_cast_to_type_if_compatible(name, param_type, v) for v in value])
        else:
            if is_list:
                raise ValueError(f"Must pass a list for multi-valued parameter: {name}.")
            setattr(self, name, _cast_to_type_if_compatible(name, param_type, value))

    def del_hparam(self, name):
        """Remove hyperparameter ``name`` if present."""
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values):
        """Override from a ``"name=value,..."`` string; returns self."""
        type_map = {name: param_type for name, (param_type, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict):
        """``set_hparam`` for every item; returns self."""
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_model_structure(self, model_structure):
        self._model_structure = model_structure

    def get_model_structure(self):
        return self._model_structure

    def to_json(self, indent=None, separators=None, sort_keys=False):
        """The values as JSON (callables left out)."""
        return json.dumps(_without_callables(self.values()), indent=indent, separators=separators,
                          sort_keys=sort_keys)

    def parse_json(self, values_json):
        """Override from a JSON object string; returns self."""
        return self.override_from_dict(json.loads(values_json))

    def values(self):
        """``{name: value}`` of every hyperparameter."""
        return {name: getattr(self, name) for name in self._hparam_types}

    def get(self, key, default=None):
        """The value of ``key``, or ``default`` when absent (``ValueError`` if ``default`` has an
        incompatible type for an existing ``key``)."""
        if key not in self._hparam_types:
            return default
        if default is not None:
            param_type, is_list = self._hparam_types[key]
            type_str = f"list<{param_type}>" if is_list else str(param_type)
            fail = f"Hparam '{key}' of type '{type_str}' is incompatible with default={default}"
            if is_list != isinstance(default, list):
                raise ValueError(fail)
            try:
                for value in (default if is_list else [default]):
                    _cast_to_type_if_compatible(key, param_type, value)
            except ValueError as err:
                raise ValueError(f"{fail}. {err}") from None
        return getattr(self, key)

    def __contains__(self, key):
        return key in self._hparam_types

    def __str__(self):
        return ",".join(f"{name}={value}" for name, value in self.values().items())

    def __repr__(self):
        return f"{type(self).__name__}({sorted(self.values().items())})"

    def to_proto(self, export_scope=None):
        raise NotImplementedError("HParams.to_proto needs the HParamDef protocol buffer, which ascend-sim's "
                                  "TF 1.15 runtime does not provide; use to_json()")

    @staticmethod
    def from_proto(hparam_def, import_scope=None):
        raise NotImplementedError("HParams.from_proto needs the HParamDef protocol buffer, which ascend-sim's "
                                  "TF 1.15 runtime does not provide; use HParams(**values).parse_json(...)")
