"""Bad input raises assay.InputError with the CLI's message (what the CLI exits 2 on)."""

from __future__ import annotations

import subprocess

import pyarrow as pa
import pytest

import assay


def _cli_error(assay_bin, *args) -> str:
    proc = subprocess.run([assay_bin, *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ")
    return proc.stderr[len("error: "):].strip()


def test_a_missing_file_names_it_as_the_cli_does(assay_bin, examples, tmp_path):
    missing = str(tmp_path / "nope.parquet")
    ref = str(examples / "bike_sharing" / "winter.csv")
    with pytest.raises(assay.InputError) as e:
        assay.drift(ref, missing)
    assert str(e.value) == _cli_error(assay_bin, "drift", ref, missing)
    assert missing in str(e.value)
    assert isinstance(e.value, assay.AssayError)


def test_a_wrong_option_is_named_as_its_flag(assay_bin, examples):
    ref = str(examples / "bike_sharing" / "winter.csv")
    with pytest.raises(assay.InputError) as e:
        assay.drift(ref, ref, method="magic")
    assert str(e.value) == _cli_error(assay_bin, "drift", ref, ref, "--method", "magic")
    with pytest.raises(assay.InputError, match="--format `xls`"):
        assay.profile(ref, format="xls")
    with pytest.raises(assay.InputError) as e:
        assay.profile(ref, exact_cap=2_000_000)
    assert str(e.value) == _cli_error(assay_bin, "profile", ref, "--exact-cap", "2000000")


def test_a_column_that_is_not_there(assay_bin, examples):
    ref = str(examples / "bike_sharing" / "winter.csv")
    with pytest.raises(assay.InputError) as e:
        assay.drift(ref, ref, target="no_such_column")
    assert str(e.value) == _cli_error(assay_bin, "drift", ref, ref, "--target", "no_such_column")
    assert "no_such_column" in str(e.value)


def test_an_invalid_suite_names_its_file_and_line(assay_bin, tmp_path):
    suite = tmp_path / "suite.yaml"
    suite.write_text("data:\n  current: x.csv\nchecks:\n  - check: integrity.nope\n")
    with pytest.raises(assay.InputError) as e:
        assay.check(suite)
    assert str(e.value) == _cli_error(assay_bin, "check", str(suite))
    assert str(suite) in str(e.value)


def test_something_that_is_not_data_names_its_type():
    with pytest.raises(assay.InputError, match=r"data: expected a path .* got a dict"):
        assay.profile({"a": [1, 2]})
    with pytest.raises(assay.InputError, match="a list must hold paths"):
        assay.profile(["a.csv", 3])
    with pytest.raises(assay.InputError, match="current: give one path"):
        assay.drift("a.csv", ["a.csv", "b.csv"])


def test_an_empty_table_is_refused_naming_the_source():
    with pytest.raises(assay.InputError, match="memory://data"):
        assay.profile(pa.table({}))


def test_odd_inputs_raise_input_error_naming_the_problem():
    import pandas as pd

    with pytest.raises(assay.InputError, match="pandas DataFrame cannot be read as Arrow data"):
        assay.profile(pd.DataFrame({"x": [1, "a", 2.5]}))
    with pytest.raises(assay.InputError, match="`x` appears twice"):
        assay.profile(pa.table([pa.array([1]), pa.array([2])], names=["x", "x"]))
    with pytest.raises(assay.InputError, match="--exact-cap must be a whole number"):
        assay.profile(pa.table({"x": [1]}), exact_cap=-1)
    with pytest.raises(assay.InputError, match="^--min-effect must be a finite number$"):
        assay.drift("a.csv", "b.csv", min_effect=float("nan"))


def test_a_generator_stream_that_is_interrupted_raises_keyboard_interrupt():
    schema = pa.schema([("x", pa.float64())])

    def batches():
        yield pa.record_batch({"x": [1.0]}, schema=schema)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        assay.profile(pa.RecordBatchReader.from_batches(schema, batches()))
