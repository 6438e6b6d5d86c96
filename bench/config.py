"""Study configuration: every setting that shapes a study, validated in one place."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

DEFAULT_VARIANTS = (
    "lstm_forw",
    "lstm_back",
    "bilstm_sum",
    "bilstm_mul",
    "bilstm_ave",
    "bilstm_concat",
)
ENGINES = ("compiled", "reference")

# Settings that do not change any stored number, so a study may be resumed with other values.
_RESULT_NEUTRAL = ("n_jobs",)


class ConfigError(ValueError):
    """A setting has a value outside its accepted range."""


@dataclass(frozen=True)
class StudyConfig:
    """Every setting of a study.

    Attributes
    ----------
    n_timesteps : int, default 10
        Length of each input sequence.
    threshold_fraction : float, default 0.25
        The target turns 1 once the cumulative sum reaches ``threshold_fraction * n_timesteps``.
    units : int, default 20
        LSTM units per direction.
    epochs : int, default 250
        Training epochs per run; each epoch is one update on one new sequence (batch size 1).
    learning_rate : float, default 0.001
        Adam learning rate (the Keras default).
    eval_every : int, default 10
        Epochs between held-out evaluations.
    eval_size : int, default 500
        Held-out sequences, drawn once per study and shared by every run.
    engine : {"compiled", "reference"}, default "compiled"
        Training engine.
    variants : tuple of str
        Variant names, in report order.
    n_seeds : int, default 30
        Replicates; replicate ``r`` uses the same training data for every variant.
    root_seed : int, default 20260101
        Root of every random stream of the study.
    """

    n_timesteps: int = 10
    threshold_fraction: float = 0.25
    units: int = 20
    epochs: int = 250
    learning_rate: float = 0.001
    eval_every: int = 10
    eval_size: int = 500
    engine: str = "compiled"
    variants: tuple[str, ...] = field(default=DEFAULT_VARIANTS)
    n_seeds: int = 30
    root_seed: int = 20260101

    def __post_init__(self) -> None:
        object.__setattr__(self, "variants", tuple(self.variants))
        validate(self)

    def to_dict(self) -> dict:
        """Return the settings as a JSON-ready dict."""
        data = asdict(self)
        data["variants"] = list(self.variants)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> StudyConfig:
        """Build a configuration from a stored dict, ignoring unknown keys."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def hash(self) -> str:
        """Return a stable hex digest of the settings."""
        text = json.dumps(self.to_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def evaluation_epochs(self) -> list[int]:
        """Return the epochs after which the held-out set is evaluated (1-based, last included)."""
        epochs = list(range(self.eval_every, self.epochs + 1, self.eval_every))
        if not epochs or epochs[-1] != self.epochs:
            epochs.append(self.epochs)
        return epochs


def _require_int(name: str, value: object, minimum: int, option: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{option} must be a whole number >= {minimum}; got {value!r}")


def validate(config: StudyConfig) -> None:
    """Raise `ConfigError` naming the option, the value and the accepted range."""
    _require_int("n_timesteps", config.n_timesteps, 2, "--timesteps")
    _require_int("units", config.units, 1, "--units")
    _require_int("epochs", config.epochs, 1, "--epochs")
    _require_int("eval_every", config.eval_every, 1, "--eval-every")
    _require_int("eval_size", config.eval_size, 1, "--eval-size")
    _require_int("n_seeds", config.n_seeds, 1, "--seeds")
    _require_int("root_seed", config.root_seed, 0, "--root-seed")

    if not 0.0 < config.threshold_fraction < 1.0:
        raise ConfigError(
            f"threshold_fraction must be in (0, 1); got {config.threshold_fraction!r}"
        )
    if not 0.0 < config.learning_rate <= 1.0:
        raise ConfigError(f"--learning-rate must be in (0, 1]; got {config.learning_rate!r}")
    if config.engine not in ENGINES:
        raise ConfigError(f"--engine must be one of {', '.join(ENGINES)}; got {config.engine!r}")
    if not config.variants:
        raise ConfigError("--variants must name at least one variant; got an empty list")
    if len(set(config.variants)) != len(config.variants):
        raise ConfigError(f"--variants lists a name twice: {', '.join(config.variants)}")


def differing_settings(stored: dict, requested: dict) -> list[str]:
    """Describe each result-changing setting whose stored and requested values differ."""
    lines = []
    for key in sorted(set(stored) | set(requested)):
        if key in _RESULT_NEUTRAL:
            continue
        if stored.get(key) != requested.get(key):
            lines.append(f"{key}: stored {stored.get(key)!r}, requested {requested.get(key)!r}")
    return lines
