#!/usr/bin/env python3
"""External trainer for `assay crossval` / the `validation:` section of a suite.

    python train.py TRAIN.csv MODEL.onnx

assay runs this once per fold: TRAIN.csv holds the fold's training rows (every column of the
data, header first, nulls as empty fields), and the script must write an ONNX model to
MODEL.onnx. assay then scores the model on the fold's validation rows itself, so the same
metrics, definitions and intervals apply to any training code in any language.

This one trains the same model as scripts/train_models.py's adult_gbt (gradient boosting on the
six numeric Adult columns, scikit-learn), exported with skl2onnx. The ONNX metadata entry
`assay.features` tells assay which columns feed the model's [N, 6] input.
Needs numpy, scikit-learn and skl2onnx (scripts/requirements-test.txt pins them).
"""

import csv
import sys

import numpy as np
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import GradientBoostingClassifier

FEATURES = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
TARGET = "income-per-year"


def read(path):
    rows, labels = [], []
    with open(path, newline="") as f:
        for record in csv.DictReader(f):
            values = [record.get(c, "").strip() for c in FEATURES]
            label = record.get(TARGET, "").strip()
            if not label or any(v in ("", "?") for v in values):
                continue
            rows.append([float(v) for v in values])
            labels.append(label)
    return np.asarray(rows, dtype=np.float64), np.asarray(labels, dtype=object)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: train.py TRAIN.csv MODEL.onnx")
    train_path, model_path = sys.argv[1], sys.argv[2]
    x, y = read(train_path)
    if len(x) == 0:
        sys.exit(f"{train_path}: no complete training row")
    model = GradientBoostingClassifier(n_estimators=50, max_depth=3, random_state=0)
    model.fit(x, y)
    onx = convert_sklearn(
        model,
        initial_types=[("float_input", FloatTensorType([None, len(FEATURES)]))],
        name="adult_gbt_cv",
    )
    entry = onx.metadata_props.add()
    entry.key = "assay.features"
    entry.value = ",".join(FEATURES)
    with open(model_path, "wb") as f:
        f.write(onx.SerializeToString())
    print(f"trained on {len(x)} rows, classes {list(model.classes_)}", file=sys.stderr)


if __name__ == "__main__":
    main()
