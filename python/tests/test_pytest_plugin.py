"""The pytest plugin, run through pytest's own pytester: a suite's results become test items,
and the assay_check fixture fails a test with the failed checks' messages."""

from __future__ import annotations

import assay

pytest_plugins = ["pytester"]


def test_each_result_of_a_suite_becomes_a_test(pytester, examples):
    suite = examples / "adult" / "suite.yaml"
    expected = assay.check(suite).summary
    assert expected.warned == 2 and expected.failed == expected.errors == 0
    result = pytester.runpytest("--assay-suite", str(suite), "-p", "no:cacheprovider", "-v")
    result.assert_outcomes(
        passed=expected.passed + expected.warned,
        skipped=expected.skipped,
        failed=0,
        warnings=expected.warned,
    )
    result.stdout.fnmatch_lines(["*suite.yaml::leakage.train_test_overlap PASSED*"])
    result.stdout.fnmatch_lines(["*AssayWarning: leakage.train_test_overlap: 12 of 9768 current rows*"])
    assert result.ret == 0


def test_warnings_fail_under_strict(pytester, examples):
    suite = examples / "adult" / "suite.yaml"
    result = pytester.runpytest("--assay-suite", str(suite), "--assay-strict", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=assay.check(suite).summary.passed, failed=2, skipped=assay.check(suite).summary.skipped)
    result.stdout.fnmatch_lines(["*warn (--assay-strict)*"])


def test_a_failed_check_fails_its_test_with_its_message(pytester, examples):
    suite = examples / "bike_sharing" / "seasonal.yaml"
    report = assay.check(suite)
    assert report.summary.failed > 0
    result = pytester.runpytest("--assay-suite", str(suite), "-p", "no:cacheprovider")
    result.assert_outcomes(
        passed=report.summary.passed + report.summary.warned,
        failed=report.summary.failed + report.summary.errors,
        skipped=report.summary.skipped,
        warnings=report.summary.warned,
    )
    first = report.failed()[0]
    result.stdout.fnmatch_lines([f"*{first.name}: {first.status}: {first.message[:40]}*"])
    assert result.ret == 1


def test_an_invalid_suite_is_a_collection_error(pytester, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("data:\n  current: nowhere.csv\nchecks:\n  - check: integrity.null_share\n")
    result = pytester.runpytest("--assay-suite", str(bad), "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the assay suite could not run:*nowhere.csv*"])


def test_the_assay_check_fixture(pytester):
    pytester.makepyfile(
        """
        import pyarrow as pa

        SUITE = {"checks": [{"check": "integrity.null_share", "condition": "<= 0"}]}

        def test_clean(assay_check):
            report = assay_check(SUITE, current=pa.table({"x": [1.0, 2.0]}))
            assert report.ok

        def test_dirty(assay_check):
            assay_check(SUITE, current=pa.table({"x": [1.0, None]}))
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*1 check(s) did not pass*", "*fail: integrity.null_share[[]x[]]*"])
