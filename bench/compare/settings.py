"""Setting checks between two studies: task settings that must match, settings that may
differ, and the pairing of runs by seed."""

from __future__ import annotations

from dataclasses import dataclass

from bench.compare.errors import CompareInputError

# Settings that define the task and its measurement. Two studies that differ in any of them
# measure different things, so their metrics cannot be compared.
TASK_SETTINGS = ("n_timesteps", "threshold_fraction", "epochs", "eval_every", "eval_size")

# Settings of the thing under test. They may differ, and the output lists each change.
CHANGEABLE_SETTINGS = ("units", "learning_rate", "engine", "variants", "n_seeds")

REQUIRED_CONFIG_KEYS = (*TASK_SETTINGS, "root_seed", "n_seeds", "variants")


@dataclass(frozen=True)
class SettingChange:
    """A setting whose value differs between the baseline and the current study."""

    name: str
    baseline: object
    current: object

    def describe(self) -> str:
        """Return ``name: baseline <value>, current <value>``."""
        return f"{self.name}: baseline {_show(self.baseline)}, current {_show(self.current)}"


@dataclass(frozen=True)
class Pairing:
    """The matching of runs between the two studies.

    Attributes
    ----------
    paired : bool
        True when seed ``r`` trained on the same data in both studies.
    common_seeds : tuple of int
        Seed indices configured in both studies (used only when paired).
    description : str
        One line for the output, e.g. "paired on 10 seeds".
    seed_note : str or None
        Sentence about unequal seed counts, or None when both studies have the same count.
    """

    paired: bool
    common_seeds: tuple[int, ...]
    description: str
    seed_note: str | None


def check_task_settings(baseline: dict, current: dict) -> None:
    """Raise `CompareInputError` naming every task setting that differs, with both values."""
    differences = [
        SettingChange(name, baseline[name], current[name]).describe()
        for name in TASK_SETTINGS
        if baseline[name] != current[name]
    ]
    if differences:
        raise CompareInputError(
            "the studies use different task settings, so their metrics measure different "
            "things and cannot be compared: " + "; ".join(differences)
        )


def changed_settings(baseline: dict, current: dict) -> list[SettingChange]:
    """List the changeable settings (and the root seed) whose values differ."""
    names = (*CHANGEABLE_SETTINGS, "root_seed")
    return [
        SettingChange(name, baseline.get(name), current.get(name))
        for name in names
        if baseline.get(name) != current.get(name)
    ]


def choose_pairing(baseline: dict, current: dict) -> Pairing:
    """Decide whether seed ``r`` of both studies saw the same training data and held-out set.

    The data stream of seed ``r`` depends only on the root seed, the seed index and the task
    settings, so studies with equal task settings (checked before) and equal root seeds pair
    up seed by seed. The number of seeds does not change any stream.
    """
    n_base, n_cur = int(baseline["n_seeds"]), int(current["n_seeds"])
    if baseline["root_seed"] != current["root_seed"]:
        description = (
            f"unpaired (root seeds differ: baseline {baseline['root_seed']}, "
            f"current {current['root_seed']}): Welch t-intervals over all ok runs"
        )
        note = None
        if n_base != n_cur:
            note = f"The baseline has {n_base} seeds and the current study {n_cur}."
        return Pairing(False, (), description, note)

    common = tuple(range(min(n_base, n_cur)))
    description = f"paired on {len(common)} seeds (same root seed {baseline['root_seed']})"
    return Pairing(True, common, description, _seed_count_note(n_base, n_cur, len(common)))


def _seed_count_note(n_base: int, n_cur: int, n_common: int) -> str | None:
    if n_base == n_cur:
        return None
    fewer = "baseline" if n_base < n_cur else "current study"
    larger = "current study" if n_base < n_cur else "baseline"
    return (
        f"The {fewer} has fewer seeds ({min(n_base, n_cur)} against {max(n_base, n_cur)}), "
        f"so the comparison uses the common {_seed_range(0, n_common - 1)} and leaves out "
        f"the {larger}'s {_seed_range(n_common, max(n_base, n_cur) - 1)}."
    )


def _seed_range(first: int, last: int) -> str:
    return f"seed {first}" if first == last else f"seeds {first} to {last}"


def _show(value: object) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return repr(value)
