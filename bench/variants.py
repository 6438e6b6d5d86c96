"""Registry of named model variants.

A variant is a name, a one-line description and a builder: a function that takes a
`StudyConfig` and returns an uncompiled Keras model mapping ``[batch, n_timesteps, 1]`` inputs to
``[batch, n_timesteps, 1]`` sigmoid outputs. Keras is imported only when a model is built, so
names can be checked without starting TensorFlow.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass

from bench.config import DEFAULT_VARIANTS

MERGE_MODES = ("sum", "mul", "ave", "concat")


class VariantError(ValueError):
    """A variant name cannot be resolved to a builder."""


@dataclass(frozen=True)
class Variant:
    """A named model builder.

    Attributes
    ----------
    name : str
        Name used on the command line and in reports.
    description : str
        One line saying what the model is.
    builder : callable
        ``builder(config) -> keras.Model``, uncompiled.
    """

    name: str
    description: str
    builder: Callable


def _head(keras, sequence):
    return keras.layers.TimeDistributed(keras.layers.Dense(1, activation="sigmoid"))(sequence)


def _reverse_time_layer(keras):
    class ReverseTime(keras.layers.Layer):
        """Flips the time axis, turning a go_backwards output back into input order."""

        def call(self, inputs):
            return keras.ops.flip(inputs, axis=1)

    return ReverseTime()


def _build_lstm(config, units: int, go_backwards: bool = False, realign: bool = False):
    import keras

    inputs = keras.Input(shape=(config.n_timesteps, 1))
    sequence = keras.layers.LSTM(units, return_sequences=True, go_backwards=go_backwards)(inputs)
    if realign:
        sequence = _reverse_time_layer(keras)(sequence)
    return keras.Model(inputs, _head(keras, sequence))


def _build_bilstm(config, merge_mode: str):
    import keras

    inputs = keras.Input(shape=(config.n_timesteps, 1))
    layer = keras.layers.LSTM(config.units, return_sequences=True)
    sequence = keras.layers.Bidirectional(layer, merge_mode=merge_mode)(inputs)
    return keras.Model(inputs, _head(keras, sequence))


def lstm_parameter_count(units: int, n_inputs: int = 1) -> int:
    """Count the weights of one LSTM layer: four gates, each with kernel, recurrent kernel, bias."""
    return 4 * (units * (n_inputs + units) + units)


def wide_units(units: int) -> int:
    """Return the forward-LSTM width whose model has the parameter count closest to
    ``bilstm_concat`` with ``units`` per direction (ties go to the smaller width)."""
    target = 2 * lstm_parameter_count(units) + (2 * units + 1)
    guess = int(math.sqrt(target / 4))
    candidates = range(max(1, guess - 3), guess + 4)
    return min(candidates, key=lambda w: (abs(lstm_parameter_count(w) + w + 1 - target), w))


def _builtin_variants() -> dict[str, Variant]:
    variants = {
        "lstm_forw": Variant(
            "lstm_forw",
            "forward LSTM",
            lambda c: _build_lstm(c, c.units),
        ),
        "lstm_back": Variant(
            "lstm_back",
            "backward LSTM (go_backwards), outputs flipped back so output t pairs with target t",
            lambda c: _build_lstm(c, c.units, go_backwards=True, realign=True),
        ),
        "lstm_back_unaligned": Variant(
            "lstm_back_unaligned",
            "the tutorial's backward LSTM as written: outputs left in reversed order, "
            "so output t is trained against target t of the reversed sequence",
            lambda c: _build_lstm(c, c.units, go_backwards=True),
        ),
        "lstm_forw_wide": Variant(
            "lstm_forw_wide",
            "forward LSTM widened to bilstm_concat's parameter count (control for model size)",
            lambda c: _build_lstm(c, wide_units(c.units)),
        ),
    }
    for mode in MERGE_MODES:
        name = f"bilstm_{mode}"
        variants[name] = Variant(
            name,
            f"bidirectional LSTM, forward and backward outputs merged by {mode}",
            lambda c, mode=mode: _build_bilstm(c, mode),
        )
    return variants


BUILTIN = _builtin_variants()
ALL_BUILTIN = tuple(DEFAULT_VARIANTS) + ("lstm_back_unaligned", "lstm_forw_wide")


def _load_user_variant(name: str) -> Variant:
    from bench.engines.tfsetup import quiet_native_startup, set_thread_environment

    module_name, _, attribute = name.partition(":")
    if not module_name or module_name.startswith(".") or not attribute:
        raise VariantError(
            f"--variants: invalid user variant {name!r}; write MODULE:FUNCTION with an absolute "
            "module name, such as my_models:gru"
        )
    set_thread_environment()
    try:
        # A user module usually imports Keras, so TensorFlow may start here.
        with quiet_native_startup():
            module = importlib.import_module(module_name)
    except ImportError as error:
        raise VariantError(
            f"--variants: cannot import module {module_name!r} for variant {name!r} ({error}); "
            "a user variant is written MODULE:FUNCTION with MODULE importable from the current "
            "directory or PYTHONPATH"
        ) from error

    builder = getattr(module, attribute, None)
    if not callable(builder):
        raise VariantError(
            f"--variants: module {module_name!r} has no callable {attribute!r} for variant {name!r}"
        )

    doc = (builder.__doc__ or "").strip().splitlines()
    description = doc[0] if doc else f"user variant {attribute} from module {module_name}"
    return Variant(name, description, builder)


def resolve(name: str) -> Variant:
    """Return the variant called ``name``: a built-in name or ``MODULE:FUNCTION``.

    Raises
    ------
    VariantError
        If the name is unknown, names an unsupported merge mode, or its builder is not found.
    """
    if name in BUILTIN:
        return BUILTIN[name]
    if ":" in name:
        return _load_user_variant(name)

    if name.startswith("bilstm_"):
        mode = name.removeprefix("bilstm_")
        raise VariantError(
            f"--variants: merge mode {mode!r} of {name!r} is not supported; "
            f"supported merge modes: {', '.join(MERGE_MODES)}"
        )
    raise VariantError(
        f"--variants: unknown variant {name!r}; valid names: {', '.join(ALL_BUILTIN)}, "
        "'default', 'all', or MODULE:FUNCTION for a user builder"
    )


def parse_variant_list(text: str) -> tuple[str, ...]:
    """Expand a comma-separated ``--variants`` value and check every name.

    ``default`` stands for the six default variants and ``all`` for every built-in variant.
    """
    names: list[str] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        expanded = {"default": DEFAULT_VARIANTS, "all": ALL_BUILTIN}.get(item, (item,))
        names.extend(n for n in expanded if n not in names)

    if not names:
        raise VariantError(
            f"--variants: no variant named in {text!r}; valid names: {', '.join(ALL_BUILTIN)}"
        )
    for name in names:
        resolve(name)
    return tuple(names)
