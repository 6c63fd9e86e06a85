"""Python models and learners, run by assay's core batch by batch.

Anything callable, or any object with ``predict`` / ``predict_proba`` (scikit-learn, XGBoost,
LightGBM, a PyTorch network wrapped in a function), can stand where the CLI takes an ONNX
file. The core calls it with one batch of rows at a time (the feature columns only), in the
form it asks for (``input``): a pandas DataFrame, a numpy array, a pyarrow RecordBatch or a
Polars DataFrame. Running a Python model needs numpy and pyarrow (and pandas or Polars when
it takes them); assay itself needs none of them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any

from . import _assay

#: Rows per call of a Python model unless said otherwise.
DEFAULT_BATCH_ROWS = 65_536

_INPUTS = ("pandas", "numpy", "arrow", "polars")


def _need(module: str) -> Any:
    try:
        return __import__(module)
    except ImportError as e:
        raise _assay.InputError(
            f"running a Python model needs {module} (pip install {module}): {e}"
        ) from None


def _class_text(value: Any) -> str:
    """A class label as the core writes it: integers in decimal, booleans as true/false."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "true" if value else "false"
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _convert(batch: Any, input: str) -> Any:
    """A pyarrow RecordBatch in the form a model takes."""
    if input == "arrow":
        return batch
    if input == "pandas":
        _need("pandas")
        return batch.to_pandas()
    if input == "polars":
        polars = _need("polars")
        return polars.from_arrow(batch)
    np = _need("numpy")
    columns = [c.to_numpy(zero_copy_only=False) for c in batch.columns]
    if not columns:
        return np.empty((batch.num_rows, 0))
    return np.column_stack(columns)


def _default_input(obj: Any) -> str:
    if getattr(obj, "feature_names_in_", None) is not None:
        return "pandas"
    if hasattr(obj, "predict"):
        return "numpy"
    try:
        import pandas  # noqa: F401
    except ImportError:
        return "arrow"
    return "pandas"


class Model:
    """A Python model assay runs batch by batch.

    ``model``: a callable (``f(X) -> predictions``) or an object with ``predict`` (and
    ``predict_proba`` for a classifier's probabilities). Objects and callables given to
    :func:`assay.evaluate`, :func:`assay.sensitivity` and :func:`assay.bench_model` are
    wrapped in one automatically; wrap it yourself to set:

    - ``features``: the columns it reads, in order (default: ``feature_names_in_``, which
      scikit-learn sets when fitted on a DataFrame; else required).
    - ``classes``: its classes, in the order of its probability columns (default:
      ``classes_``). A callable is a classifier when it has classes: it returns either one
      label per row or a ``rows × classes`` probability matrix (labels are then the most
      probable class). Without classes it is a regressor returning one value per row.
    - ``task``: ``"classification"`` or ``"regression"``, when the object does not say
      (scikit-learn estimators do).
    - ``input``: ``"pandas"``, ``"numpy"``, ``"arrow"`` (a pyarrow RecordBatch) or
      ``"polars"``: what it is called with (default: pandas for estimators fitted on a
      DataFrame and for callables (arrow when pandas is not installed), numpy for other
      estimators).
    - ``batch_rows``: rows per call (default 65,536).
    - ``name``: what reports call it (default: its class or function name), shown as
      ``python://NAME``.
    """

    def __init__(
        self,
        model: Any,
        *,
        features: str | Iterable[str] | None = None,
        classes: Iterable[Any] | None = None,
        task: str | None = None,
        input: str | None = None,
        batch_rows: int = DEFAULT_BATCH_ROWS,
        name: str | None = None,
    ) -> None:
        if isinstance(model, Model):
            raise _assay.InputError("the model is already an assay.Model")
        has_predict = callable(getattr(model, "predict", None))
        if not has_predict and not callable(model):
            raise _assay.InputError(
                f"model: expected an ONNX file, a callable or an object with predict(); got a "
                f"{type(model).__name__}"
            )
        if task not in (None, "classification", "regression"):
            raise _assay.InputError(f"task `{task}`: expected classification or regression")
        if input is not None and input not in _INPUTS:
            raise _assay.InputError(f"input `{input}`: one of {', '.join(_INPUTS)}")
        if not isinstance(batch_rows, int) or batch_rows < 1:
            raise _assay.InputError(f"batch_rows must be a whole number from 1 (got {batch_rows!r})")
        self.model = model
        self.input = input or _default_input(model)
        self.batch_rows = batch_rows
        self.name = name or getattr(model, "__name__", None) or type(model).__name__
        if isinstance(features, str):
            features = [f.strip() for f in features.split(",") if f.strip()]
        names = features if features is not None else getattr(model, "feature_names_in_", None)
        self.features: list[str] | None = None if names is None else [str(f) for f in names]
        self._has_proba = has_predict and callable(getattr(model, "predict_proba", None))
        estimator_type = getattr(model, "_estimator_type", None)
        if estimator_type is None and has_predict:
            tags = getattr(model, "__sklearn_tags__", None)
            if callable(tags):
                try:
                    estimator_type = tags().estimator_type
                except Exception:  # noqa: BLE001 - tags are advisory
                    estimator_type = None
        given_classes = None if classes is None else list(classes)
        model_classes = getattr(model, "classes_", None)
        if task is None:
            if given_classes is not None or self._has_proba or estimator_type == "classifier":
                task = "classification"
            elif estimator_type == "regressor" or not has_predict or model_classes is None:
                task = "regression"
            else:
                task = "classification"
        self._raw_classes: list[Any] | None = None
        if task == "classification":
            raw = given_classes if given_classes is not None else model_classes
            if raw is None:
                raise _assay.InputError(
                    f"model {self.name}: a classifier needs its classes, in the order of its "
                    "probability columns (classes=[...]), or a classes_ attribute"
                )
            self._raw_classes = list(raw)
            self.task = "classifier"
            self.classes: list[str] | None = [_class_text(c) for c in self._raw_classes]
        else:
            self.task = "regressor"
            self.classes = None
        if self.classes is not None and len(set(self.classes)) != len(self.classes):
            raise _assay.InputError(f"model {self.name}: its classes repeat: {self.classes}")

    def __repr__(self) -> str:
        return f"assay.Model({self.name}, {self.task}, input={self.input!r})"

    def _call(self, method: str | None, x: Any) -> Any:
        np = _need("numpy")
        fn = self.model if method is None else getattr(self.model, method)
        return np.asarray(fn(x))

    def _label_indices(self, labels: Any) -> Any:
        np = _need("numpy")
        assert self.classes is not None
        uniques, inverse = np.unique(np.asarray(labels).ravel(), return_inverse=True)
        index = {c: i for i, c in enumerate(self.classes)}
        codes = []
        for u in uniques:
            text = _class_text(u)
            if text not in index:
                raise ValueError(
                    f"the model predicted class {text!r}, which is not one of its classes "
                    f"{self.classes}"
                )
            codes.append(index[text])
        return np.asarray(codes, dtype=np.uint32)[inverse]

    def _predict(self, batch: Any) -> tuple[Any, Any, Any]:
        """Called by the core: one pyarrow RecordBatch of feature columns in, ``(labels,
        probabilities, values)`` as pyarrow arrays (or ``None``) out."""
        np = _need("numpy")
        pa = _need("pyarrow")
        x = _convert(batch, self.input)
        rows = batch.num_rows
        has_predict = callable(getattr(self.model, "predict", None))
        if self.task == "regressor":
            values = self._call("predict" if has_predict else None, x).astype(np.float64)
            return None, None, pa.array(values.ravel())
        k = len(self.classes or [])
        probabilities = None
        labels = None
        if self._has_proba:
            probabilities = self._call("predict_proba", x).astype(np.float64)
            labels = self._label_indices(self._call("predict", x))
        else:
            out = self._call("predict" if has_predict else None, x)
            if out.ndim == 2 and out.shape[1] == k and np.issubdtype(out.dtype, np.floating):
                probabilities = out.astype(np.float64)
                labels = np.argmax(probabilities, axis=1).astype(np.uint32)
            else:
                labels = self._label_indices(out)
        if probabilities is not None:
            if probabilities.shape != (rows, k):
                raise ValueError(
                    f"probabilities of shape {probabilities.shape} for {rows} rows and {k} "
                    "classes"
                )
            probabilities = pa.array(np.ascontiguousarray(probabilities).ravel())
        return pa.array(labels), probabilities, None


class Learner:
    """A Python learner for cross-validation: an unfitted estimator (anything with ``fit``
    and ``predict``), cloned and fitted on every fold's training rows
    (``sklearn.base.clone`` when scikit-learn is installed, else ``copy.deepcopy``), then
    run on the fold's rows as a :class:`Model`.

    ``input``: what ``fit`` and ``predict`` are called with (default pandas when installed,
    else numpy). ``name``: what reports call it. ``batch_rows``: rows per ``predict`` call.
    """

    def __init__(
        self,
        estimator: Any,
        *,
        input: str | None = None,
        batch_rows: int = DEFAULT_BATCH_ROWS,
        name: str | None = None,
    ) -> None:
        if not callable(getattr(estimator, "fit", None)):
            raise _assay.InputError(
                f"learner: expected a built-in learner's name or an estimator with fit(); got a "
                f"{type(estimator).__name__}"
            )
        if input is not None and input not in _INPUTS:
            raise _assay.InputError(f"input `{input}`: one of {', '.join(_INPUTS)}")
        if input is None:
            try:
                import pandas  # noqa: F401

                input = "pandas"
            except ImportError:
                input = "numpy"
        self.estimator = estimator
        self.input = input
        self.batch_rows = batch_rows
        self.name = name or type(estimator).__name__

    def __repr__(self) -> str:
        return f"assay.Learner({self.name}, input={self.input!r})"

    def _fit(self, features: Any, target: Any) -> Model:
        """Called by the core per fold: the training rows' feature columns (a pyarrow
        RecordBatch) and target (a pyarrow Array) in, the fitted model out."""
        try:
            from sklearn.base import clone

            estimator = clone(self.estimator)
        except ImportError:
            estimator = copy.deepcopy(self.estimator)
        x = _convert(features, self.input)
        y = target.to_numpy(zero_copy_only=False)
        estimator.fit(x, y)
        return Model(
            estimator,
            features=features.schema.names,
            input=self.input,
            batch_rows=self.batch_rows,
            name=self.name,
        )


def as_model(
    model: Any,
    *,
    features: Sequence[str] | None = None,
    classes: Sequence[str] | None = None,
    task: str | None = None,
) -> Any:
    """A model argument as the native module takes it: a path (str), or a :class:`Model`."""
    import os

    if model is None or isinstance(model, str):
        return model
    if isinstance(model, os.PathLike):
        return os.fspath(model)
    if isinstance(model, Model):
        return model
    return Model(model, features=features, classes=classes, task=task)


def as_learner(learner: Any) -> Any:
    """A learner argument: a built-in learner's name (str), or a :class:`Learner`."""
    if learner is None or isinstance(learner, (str, Learner)):
        return learner
    return Learner(learner)

