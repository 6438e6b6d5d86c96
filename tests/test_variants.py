import textwrap

import numpy as np
import pytest

from bench.config import StudyConfig
from bench.variants import (
    ALL_BUILTIN,
    VariantError,
    lstm_parameter_count,
    parse_variant_list,
    resolve,
    wide_units,
)

CONFIG = StudyConfig(n_timesteps=10, units=20)


def test_default_list():
    assert parse_variant_list("default") == (
        "lstm_forw",
        "lstm_back",
        "bilstm_sum",
        "bilstm_mul",
        "bilstm_ave",
        "bilstm_concat",
    )


def test_all_adds_controls():
    names = parse_variant_list("all")

    assert "lstm_back_unaligned" in names
    assert "lstm_forw_wide" in names
    assert len(names) == len(ALL_BUILTIN)


def test_every_builtin_has_description():
    for name in ALL_BUILTIN:
        assert resolve(name).description


def test_unknown_name_lists_valid_names():
    with pytest.raises(VariantError, match=r"unknown variant 'gru'.*lstm_forw.*bilstm_concat"):
        parse_variant_list("lstm_forw,gru")


def test_unsupported_merge_mode_rejected():
    with pytest.raises(VariantError, match=r"merge mode 'max'.*sum, mul, ave, concat"):
        parse_variant_list("bilstm_max")


def test_empty_list_rejected():
    with pytest.raises(VariantError, match="no variant named"):
        parse_variant_list(" , ")


@pytest.mark.parametrize("name", [":gru", ".my_models:gru", "my_models:"])
def test_malformed_user_variant_rejected(name):
    with pytest.raises(VariantError, match=f"invalid user variant '{name}'"):
        parse_variant_list(f"lstm_forw,{name}")


def test_missing_user_module_rejected():
    with pytest.raises(VariantError, match="cannot import module 'no_such_module_xyz'"):
        parse_variant_list("no_such_module_xyz:build")


def test_wide_units_matches_concat_parameters():
    # bilstm_concat with 20 units: 2 LSTMs of 4*(20*21+20) = 1760 weights, plus a Dense of
    # 2*20+1 = 41, so 3561. A forward LSTM of 29 units has 3480 + 30 = 3510... plus its Dense.
    concat = 2 * lstm_parameter_count(20) + 41
    width = wide_units(20)
    wide = lstm_parameter_count(width) + width + 1

    assert concat == 3561
    assert width == 29
    assert abs(wide - concat) < abs(lstm_parameter_count(28) + 29 - concat)


@pytest.mark.parametrize("name", ALL_BUILTIN)
def test_builders_give_sequence_output(name):
    model = resolve(name).builder(CONFIG)

    assert tuple(model.output_shape) == (None, 10, 1)


def test_wide_model_parameter_count_close_to_concat():
    wide = resolve("lstm_forw_wide").builder(CONFIG).count_params()
    concat = resolve("bilstm_concat").builder(CONFIG).count_params()

    assert abs(wide - concat) / concat < 0.02


def test_user_variant_from_module(tmp_path, monkeypatch):
    (tmp_path / "my_variants.py").write_text(
        textwrap.dedent(
            '''
            import keras

            def small_gru(config):
                """GRU with 8 units."""
                inputs = keras.Input(shape=(config.n_timesteps, 1))
                hidden = keras.layers.GRU(8, return_sequences=True)(inputs)
                outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)
                return keras.Model(inputs, outputs)
            '''
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    variant = resolve("my_variants:small_gru")
    model = variant.builder(CONFIG)

    assert variant.description == "GRU with 8 units."
    assert tuple(model.output_shape) == (None, 10, 1)


def _impulse_response(name: str) -> np.ndarray:
    import keras

    keras.utils.set_random_seed(3)
    model = resolve(name).builder(CONFIG)
    base = np.zeros((1, 10, 1), dtype=np.float32)
    impulse = base.copy()
    impulse[0, 0, 0] = 1.0
    return np.abs(np.asarray(model(impulse)) - np.asarray(model(base)))[0, :, 0]


def test_backward_output_sees_later_steps():
    # Aligned output t has read steps t..9, so only output 0 has seen the impulse at step 0.
    response = _impulse_response("lstm_back")

    assert response[0] > 1e-6
    assert np.all(response[1:] == 0.0)


def test_unaligned_backward_output_reversed():
    # go_backwards emits outputs in reading order 9, 8, ..., 0: step 0 is read last.
    response = _impulse_response("lstm_back_unaligned")

    assert response[-1] > 1e-6
    assert np.all(response[:-1] == 0.0)


def test_forward_output_sees_earlier_steps():
    response = _impulse_response("lstm_forw")

    assert np.all(response > 1e-7)
