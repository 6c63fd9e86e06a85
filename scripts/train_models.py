#!/usr/bin/env python3
"""Trains the small example models, exports them to ONNX and writes reference outputs for Rust.

Data (both from the UCI Machine Learning Repository, licensed CC BY 4.0):
  * Adult (Becker & Kohavi, 1996): examples/adult/adult_reference.csv is the training split,
    examples/adult/adult_current.csv the test split (see examples/adult/split.py). Missing values
    are written "?"; only the six numeric columns are used as features, and they have none.
  * Bike Sharing, hourly (Fanaee-T & Gama, 2013): examples/bike_sharing/half_a.csv is the training
    split, half_b.csv the test split (see examples/bike_sharing/split.py). Target: cnt.

Writes (paths relative to the repository root):
  examples/adult/models/adult_gbt.onnx        GradientBoostingClassifier  -> TreeEnsembleClassifier
  examples/adult/models/adult_lr.onnx         StandardScaler + LogisticRegression, one input per
                                              column -> FeatureVectorizer, Scaler, LinearClassifier
  examples/adult/models/adult_rf.onnx         RandomForestClassifier      -> TreeEnsembleClassifier
  examples/adult/models/README.md             table of inputs, outputs, ops, rows and test metrics
  examples/adult/adult_current_scored.csv     adult_current.csv, every line unchanged, plus the
                                              sklearn predictions pred_<m> and P(>50K) proba_<m>
                                              (rounded to 6 decimals) of the three Adult models
  examples/bike_sharing/models/bike_gbr.onnx  GradientBoostingRegressor   -> TreeEnsembleRegressor
  examples/bike_sharing/models/bike_rf.onnx   RandomForestRegressor       -> TreeEnsembleRegressor
  examples/bike_sharing/models/bike_ridge.onnx StandardScaler + Ridge     -> Scaler, LinearRegressor
  examples/bike_sharing/models/README.md
  crates/assay-model/tests/fixtures/<model>.csv  the first 2,000 test rows: the features exactly as
                                              fed (float32 values, printed with %.17g), then
                                              sklearn and onnxruntime outputs (see below)
  crates/assay-model/tests/fixtures/versions.json  package versions, and per model the largest
                                              |sklearn - onnxruntime| difference and the label
                                              agreement, on the 2,000 fixture rows and the full
                                              test split

Conventions:
  * Features are cast to float32 once; those values are used to train, to predict with sklearn
    (widened back to float64) and to run onnxruntime, so both engines see identical inputs.
  * Classifier fixtures have sk_label, sk_proba_<class> (sklearn predict / predict_proba, float64)
    then ort_label, ort_proba_<class> (onnxruntime, float32 widened to float64), classes in
    model.classes_ order. The ZipMap output (a list of {label: probability} dicts) is unpacked.
    Regressor fixtures have sk_pred and ort_pred.
  * Converters run with their default options: ZipMap stays on, default target opset. Every
    model gets the ONNX metadata entry assay.features = its feature names, comma-separated, in
    input order. skl2onnx turns "-" in input names into "_" (education-num -> education_num), so
    that entry is the only place the multi-input adult_lr model records the real column names.
  * Rows with a missing value in a used feature or the target are dropped (there are none in
    these files; the counts are printed and recorded in versions.json).
  * random_state=0 everywhere and onnxruntime runs on one thread, so a rerun with the pinned
    packages (scripts/requirements-fixtures.txt) reproduces every file.

Usage (from the repository root):
    python3.11 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/train_models.py
"""

import csv
import json
import platform
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pandas as pd
import sklearn
import skl2onnx
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, mean_squared_error, r2_score, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parent.parent
ADULT = ROOT / "examples" / "adult"
BIKE = ROOT / "examples" / "bike_sharing"
FIXTURES = ROOT / "crates" / "assay-model" / "tests" / "fixtures"

ADULT_FEATURES = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
ADULT_TARGET = "income-per-year"
ADULT_POSITIVE = ">50K"
BIKE_FEATURES = [
    "season", "yr", "mnth", "hr", "holiday", "weekday", "workingday", "weathersit",
    "temp", "atemp", "hum", "windspeed",
]
BIKE_TARGET = "cnt"

FIXTURE_ROWS = 2000
SEED = 0
METADATA_KEY = "assay.features"


# --------------------------------------------------------------------------------------------
# data


def load(path, features, target, numeric_target):
    """Reads a CSV ("?" and empty fields are NA), coerces the features (and a numeric target) to
    numbers and drops rows with a missing value in any of them. Returns (frame, dropped rows)."""
    df = pd.read_csv(path, na_values=["?"], keep_default_na=False)
    cols = features + ([target] if numeric_target else [])
    for c in cols:
        if not pd.api.types.is_numeric_dtype(df[c]):
            # e.g. an hour written "0 " in the raw bike file; split.py already strips it
            df[c] = pd.to_numeric(df[c].astype(str).str.strip())
        assert pd.api.types.is_numeric_dtype(df[c]), (path, c, df[c].dtype)
    keep = df[features + [target]].notna().all(axis=1).to_numpy()
    return df, keep


def as_float32(df, features):
    """The feature matrix as float32, the exact values every engine is fed."""
    return df[features].to_numpy(np.float64).astype(np.float32)


# --------------------------------------------------------------------------------------------
# onnx


def to_onnx(model, name, features, per_column_inputs=False):
    if per_column_inputs:
        initial_types = [(f, FloatTensorType([None, 1])) for f in features]
    else:
        initial_types = [("float_input", FloatTensorType([None, len(features)]))]
    # name= sets the graph name, which is otherwise a random uuid (files would differ per run)
    onx = convert_sklearn(model, initial_types=initial_types, name=name)
    # skl2onnx lists opset imports in set order (varies with PYTHONHASHSEED) and sometimes lists
    # the default domain twice; sort and deduplicate them so the file is the same on every run.
    opsets = sorted({(o.domain, o.version) for o in onx.opset_import})
    del onx.opset_import[:]
    for domain, version in opsets:
        onx.opset_import.add(domain=domain, version=version)
    entry = onx.metadata_props.add()
    entry.key = METADATA_KEY
    entry.value = ",".join(features)
    onnx.checker.check_model(onx)
    return onx


def type_str(t):
    """A short text form of an ONNX type: float[?,6], string[?], seq(map(string,float))."""
    kind = t.WhichOneof("value")
    if kind == "tensor_type":
        elem = onnx.helper.tensor_dtype_to_np_dtype(t.tensor_type.elem_type)
        elem = "string" if elem == np.dtype(object) else str(elem).replace("float32", "float")
        dims = [str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "?")
                for d in t.tensor_type.shape.dim]
        return f"{elem}[{','.join(dims)}]"
    if kind == "sequence_type":
        return f"seq({type_str(t.sequence_type.elem_type)})"
    if kind == "map_type":
        key = onnx.helper.tensor_dtype_to_np_dtype(t.map_type.key_type)
        key = "string" if key == np.dtype(object) else str(key)
        value = type_str(t.map_type.value_type).replace("[]", "")
        return f"map({key},{value})"
    return kind


def describe(onx):
    ops = sorted({(n.domain or "ai.onnx", n.op_type) for n in onx.graph.node})
    return {
        "ops": [f"{d}:{op}" for d, op in ops],
        "nodes": [f"{n.domain or 'ai.onnx'}:{n.op_type}({', '.join(n.input)}) -> "
                  f"{', '.join(n.output)}" for n in onx.graph.node],
        "inputs": [f"{v.name}: {type_str(v.type)}" for v in onx.graph.input],
        "outputs": [f"{v.name}: {type_str(v.type)}" for v in onx.graph.output],
        "opset_import": sorted({f"{o.domain or 'ai.onnx'}={o.version}" for o in onx.opset_import}),
        "ir_version": onx.ir_version,
    }


def session(onx):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(onx.SerializeToString(), opts, providers=["CPUExecutionProvider"])


def ort_feed(sess, x32, per_column_inputs):
    names = [i.name for i in sess.get_inputs()]
    if per_column_inputs:
        assert len(names) == x32.shape[1]
        return {n: np.ascontiguousarray(x32[:, j:j + 1]) for j, n in enumerate(names)}
    return {names[0]: x32}


def ort_classify(sess, x32, per_column_inputs, classes):
    labels, probas = sess.run(None, ort_feed(sess, x32, per_column_inputs))
    # ZipMap: one {class label: probability} dict per row
    proba = np.array([[row[c] for c in classes] for row in probas], dtype=np.float32)
    return np.asarray(labels, dtype=object), proba


def ort_regress(sess, x32, per_column_inputs):
    (pred,) = sess.run(None, ort_feed(sess, x32, per_column_inputs))
    assert pred.dtype == np.float32 and pred.shape == (x32.shape[0], 1), (pred.dtype, pred.shape)
    return pred[:, 0]


# --------------------------------------------------------------------------------------------
# output


def g17(v):
    return "%.17g" % float(v)


def write_fixture(path, features, x32, columns):
    """columns: list of (name, values, is_float)."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(features + [name for name, _, _ in columns])
        for i in range(x32.shape[0]):
            row = [g17(v) for v in x32[i]]
            row += [g17(vals[i]) if is_float else str(vals[i]) for _, vals, is_float in columns]
            w.writerow(row)


def rel(path):
    return str(path.relative_to(ROOT))


# --------------------------------------------------------------------------------------------
# models


def classifier_specs():
    return [
        ("adult_gbt", GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=SEED),
         False),
        ("adult_lr", Pipeline([("scaler", StandardScaler()),
                               ("lr", LogisticRegression(max_iter=1000, random_state=SEED))]),
         True),
        ("adult_rf", RandomForestClassifier(n_estimators=30, max_depth=8, random_state=SEED),
         False),
    ]


def regressor_specs():
    return [
        ("bike_gbr", GradientBoostingRegressor(n_estimators=100, max_depth=4, random_state=SEED)),
        ("bike_rf", RandomForestRegressor(n_estimators=20, max_depth=8, random_state=SEED)),
        ("bike_ridge", Pipeline([("scaler", StandardScaler()),
                                 ("ridge", Ridge(alpha=1.0, random_state=SEED))])),
    ]


def run_adult(report):
    train, train_keep = load(ADULT / "adult_reference.csv", ADULT_FEATURES, ADULT_TARGET, False)
    test, test_keep = load(ADULT / "adult_current.csv", ADULT_FEATURES, ADULT_TARGET, False)
    dropped = {"train": int((~train_keep).sum()), "test": int((~test_keep).sum())}
    print(f"adult: dropped rows with NA in features/target: {dropped}")
    tr, te = train[train_keep], test[test_keep]
    x_train = as_float32(tr, ADULT_FEATURES)
    x_test = as_float32(te, ADULT_FEATURES)
    y_train = tr[ADULT_TARGET].to_numpy(object)
    y_test = te[ADULT_TARGET].to_numpy(object)
    assert np.array_equal(x_test.astype(np.float64), te[ADULT_FEATURES].to_numpy(np.float64)), \
        "Adult features are not float32-exact"

    scored = {}
    (ADULT / "models").mkdir(exist_ok=True)
    for name, model, per_column in classifier_specs():
        model.fit(x_train.astype(np.float64), y_train)
        classes = [str(c) for c in model.classes_]
        pos = classes.index(ADULT_POSITIVE)
        onx = to_onnx(model, name, ADULT_FEATURES, per_column)
        path = ADULT / "models" / f"{name}.onnx"
        onnx.save_model(onx, path)

        sk_label = model.predict(x_test.astype(np.float64))
        sk_proba = model.predict_proba(x_test.astype(np.float64))
        ort_label, ort_proba = ort_classify(session(onx), x_test, per_column, classes)

        n = FIXTURE_ROWS
        cols = [("sk_label", sk_label[:n], False)]
        cols += [(f"sk_proba_{c}", sk_proba[:n, k], True) for k, c in enumerate(classes)]
        cols += [("ort_label", ort_label[:n], False)]
        cols += [(f"ort_proba_{c}", ort_proba[:n, k].astype(np.float64), True)
                 for k, c in enumerate(classes)]
        write_fixture(FIXTURES / f"{name}.csv", ADULT_FEATURES, x_test[:n], cols)

        diff = np.abs(sk_proba - ort_proba.astype(np.float64)).max(axis=1)
        agree = sk_label == ort_label
        desc = describe(onx)
        report[name] = {
            "kind": "classifier",
            "onnx": rel(path),
            "onnx_bytes": path.stat().st_size,
            "features": ADULT_FEATURES,
            "classes": classes,
            "train_rows": len(x_train),
            "test_rows": len(x_test),
            "dropped_rows_with_na": dropped,
            "fixture_rows": min(n, len(x_test)),
            "fixture": {"max_abs_diff_proba": float(diff[:n].max()),
                        "label_agreement": float(agree[:n].mean())},
            "full_test": {"max_abs_diff_proba": float(diff.max()),
                          "label_agreement": float(agree.mean())},
            "test_metrics_sklearn": {
                "accuracy": float(accuracy_score(y_test, sk_label)),
                "roc_auc": float(roc_auc_score(y_test == ADULT_POSITIVE, sk_proba[:, pos])),
            },
            "test_metrics_onnxruntime": {
                "accuracy": float(accuracy_score(y_test, ort_label)),
                "roc_auc": float(roc_auc_score(y_test == ADULT_POSITIVE, ort_proba[:, pos])),
            },
            **desc,
        }
        scored[name.split("_", 1)[1]] = (sk_label, sk_proba[:, pos])

    write_scored(test_keep, scored)
    write_readme(ADULT / "models" / "README.md", "Adult", report, ["adult_gbt", "adult_lr",
                                                                  "adult_rf"])


def write_scored(keep, scored):
    """Appends the sklearn predictions to every line of adult_current.csv, text unchanged."""
    with open(ADULT / "adult_current.csv", newline="") as f:
        lines = f.read().splitlines()
    header, body = lines[0], lines[1:]
    assert len(body) == len(keep), "adult_current.csv: line count differs from parsed rows"
    extra = []
    for m in scored:
        extra += [f"pred_{m}", f"proba_{m}"]
    out = [header + "," + ",".join(extra)]
    idx = np.cumsum(keep) - 1  # position of each kept row among the predictions
    for i, line in enumerate(body):
        vals = []
        for m, (label, proba) in scored.items():
            if keep[i]:
                vals += [str(label[idx[i]]), f"{proba[idx[i]]:.6f}"]
            else:
                vals += ["", ""]
        out.append(line + "," + ",".join(vals))
    path = ADULT / "adult_current_scored.csv"
    with open(path, "w", newline="") as f:
        f.write("\n".join(out) + "\n")


def run_bike(report):
    train, train_keep = load(BIKE / "half_a.csv", BIKE_FEATURES, BIKE_TARGET, True)
    test, test_keep = load(BIKE / "half_b.csv", BIKE_FEATURES, BIKE_TARGET, True)
    dropped = {"train": int((~train_keep).sum()), "test": int((~test_keep).sum())}
    print(f"bike: dropped rows with NA in features/target: {dropped}")
    print("bike: feature dtypes:", {c: str(test[c].dtype) for c in BIKE_FEATURES})
    tr, te = train[train_keep], test[test_keep]
    x_train = as_float32(tr, BIKE_FEATURES)
    x_test = as_float32(te, BIKE_FEATURES)
    y_train = tr[BIKE_TARGET].to_numpy(np.float64)
    y_test = te[BIKE_TARGET].to_numpy(np.float64)

    (BIKE / "models").mkdir(exist_ok=True)
    for name, model in regressor_specs():
        model.fit(x_train.astype(np.float64), y_train)
        onx = to_onnx(model, name, BIKE_FEATURES)
        path = BIKE / "models" / f"{name}.onnx"
        onnx.save_model(onx, path)

        sk_pred = model.predict(x_test.astype(np.float64))
        ort_pred = ort_regress(session(onx), x_test, False)
        n = FIXTURE_ROWS
        cols = [("sk_pred", sk_pred[:n], True), ("ort_pred", ort_pred[:n].astype(np.float64), True)]
        write_fixture(FIXTURES / f"{name}.csv", BIKE_FEATURES, x_test[:n], cols)

        diff = np.abs(sk_pred - ort_pred.astype(np.float64))
        rdiff = diff / np.maximum(np.abs(sk_pred), 1.0)
        report[name] = {
            "kind": "regressor",
            "onnx": rel(path),
            "onnx_bytes": path.stat().st_size,
            "features": BIKE_FEATURES,
            "train_rows": len(x_train),
            "test_rows": len(x_test),
            "dropped_rows_with_na": dropped,
            "fixture_rows": min(n, len(x_test)),
            "fixture": {"max_abs_diff_pred": float(diff[:n].max()),
                        "max_rel_diff_pred": float(rdiff[:n].max())},
            "full_test": {"max_abs_diff_pred": float(diff.max()),
                          "max_rel_diff_pred": float(rdiff.max())},
            "test_metrics_sklearn": {
                "rmse": float(np.sqrt(mean_squared_error(y_test, sk_pred))),
                "r2": float(r2_score(y_test, sk_pred)),
            },
            "test_metrics_onnxruntime": {
                "rmse": float(np.sqrt(mean_squared_error(y_test, ort_pred.astype(np.float64)))),
                "r2": float(r2_score(y_test, ort_pred.astype(np.float64))),
            },
            **describe(onx),
        }
    write_readme(BIKE / "models" / "README.md", "Bike Sharing", report,
                 ["bike_gbr", "bike_rf", "bike_ridge"])


# --------------------------------------------------------------------------------------------
# README


def write_readme(path, dataset, report, names):
    if dataset == "Adult":
        intro = (
            "Trained on `../adult_reference.csv`, evaluated on `../adult_current.csv` (UCI Adult, "
            "Becker & Kohavi 1996, CC BY 4.0). Features: the six numeric columns "
            f"({', '.join(ADULT_FEATURES)}); target `{ADULT_TARGET}` with string labels "
            "`<=50K` / `>50K`. No row has a missing value in these columns.\n\n"
            "Classifiers keep skl2onnx's default ZipMap: `output_label` is a string tensor, "
            "`output_probability` a sequence of {label: probability} maps. `adult_lr` takes one "
            "`[N,1]` input per column; skl2onnx replaces `-` with `_` in input names, so the "
            "metadata entry `assay.features` (present in every model) maps inputs, in order, to "
            "the column names.\n\n"
            "`../adult_current_scored.csv` is `adult_current.csv` (every line unchanged, `?` "
            "kept) with `pred_<m>` and `proba_<m>` = P(>50K) from sklearn (not ONNX) for m in "
            "gbt, lr, rf; the probabilities there are rounded to 6 decimals.\n\n"
            "Both tree classifiers are binary TreeEnsembleClassifiers whose leaf weights all "
            "carry class_id 0 and hold the score of the second class (`>50K`): `adult_gbt` has "
            "post_transform LOGISTIC and base_values = [prior log-odds], `adult_rf` post_transform "
            "NONE, no base_values and weights already divided by n_estimators (aggregate SUM)."
        )
        metric_hdr = "test accuracy / ROC AUC"
    else:
        intro = (
            "Trained on `../half_a.csv`, evaluated on `../half_b.csv` (UCI Bike Sharing hourly, "
            "Fanaee-T & Gama 2013, CC BY 4.0). Features: "
            f"{', '.join(BIKE_FEATURES)}; target `{BIKE_TARGET}`. No row has a missing value in "
            "these columns. Every model has one `float_input` and the metadata entry "
            "`assay.features`. `bike_rf` has no aggregate_function attribute (default SUM); "
            "its leaf weights are already divided by n_estimators. `bike_gbr` adds "
            "base_values = [mean cnt of the training rows]."
        )
        metric_hdr = "test RMSE / R²"
    lines = [
        f"# {dataset} example models",
        "",
        "Written by `scripts/train_models.py` (scikit-learn "
        f"{sklearn.__version__}, skl2onnx {skl2onnx.__version__}, default converter options, "
        "`random_state=0`); do not edit by hand. Reference outputs for the Rust parity tests are "
        "in `crates/assay-model/tests/fixtures/`.",
        "",
        intro,
        "",
        f"| model | inputs | outputs | ONNX ops | training rows | {metric_hdr} |",
        "|---|---|---|---|---|---|",
    ]
    for name in names:
        r = report[name]
        m = r["test_metrics_sklearn"]
        metric = (f"{m['accuracy']:.4f} / {m['roc_auc']:.4f}" if "accuracy" in m
                  else f"{m['rmse']:.2f} / {m['r2']:.4f}")
        inputs = ("; ".join(f"`{s}`" for s in r["inputs"]) if len(r["inputs"]) <= 2
                  else f"{len(r['inputs'])} × `{r['inputs'][0].split(': ')[1]}`: "
                  + ", ".join(f"`{s.split(':')[0]}`" for s in r["inputs"]))
        lines.append(
            f"| `{name}.onnx` | {inputs} | {'; '.join(f'`{s}`' for s in r['outputs'])} | "
            f"{', '.join(r['ops'])} | {r['train_rows']} | {metric} |"
        )
    lines.append("")
    path.write_text("\n".join(lines))


# --------------------------------------------------------------------------------------------


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    report = {}
    run_adult(report)
    run_bike(report)
    versions = {
        "generated_by": "scripts/train_models.py",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
        "skl2onnx": skl2onnx.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": ort.__version__,
        "models": report,
    }
    with open(FIXTURES / "versions.json", "w") as f:
        json.dump(versions, f, indent=2, sort_keys=True)
        f.write("\n")
    for name, r in report.items():
        print(f"\n== {name}  ({r['onnx']}, {r['onnx_bytes']} bytes)")
        print("  opset:  ", ", ".join(r["opset_import"]), f"ir_version={r['ir_version']}")
        print("  inputs: ", "; ".join(r["inputs"]))
        print("  outputs:", "; ".join(r["outputs"]))
        print("  ops:    ", ", ".join(r["ops"]))
        for node in r["nodes"]:
            print("    ", node)
        print("  fixture:", r["fixture"], " full test:", r["full_test"])
        print("  sklearn:", r["test_metrics_sklearn"], " onnxruntime:", r["test_metrics_onnxruntime"])


if __name__ == "__main__":
    main()
