#!/usr/bin/env python3
"""Reference numbers from scikit-learn for MetricsTest.

Writes trainer-core/src/test/resources/metrics/sklearn_reference.json: classification cases (labels,
predictions as class ids or as logits with their shape) with scikit-learn's accuracy_score and
precision_recall_fscore_support for average="macro", "micro" and "binary" (or "binary_error" where
scikit-learn refuses "binary"), and regression cases with mean_squared_error. Every number given to
scikit-learn is a float32 value, as Trainer4J's HostArray holds them.

Needs Debian's python3-sklearn (apt-get install python3-sklearn). Re-run from the repository root:
    /usr/bin/python3 trainer-core/src/test/python/make_metrics_reference.py
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, mean_squared_error, precision_recall_fscore_support

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "metrics" / "sklearn_reference.json"


def scores(y_true, y_pred, average):
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0)
    return {"precision": float(p), "recall": float(r), "f1": float(f)}


def classification(name, labels, predictions, shape=None):
    labels = np.asarray(labels, dtype=np.int64)
    predictions = np.asarray(predictions, dtype=np.float32)
    shape = list(shape or predictions.shape)
    y_pred = predictions.reshape(shape).argmax(axis=-1) if len(shape) == 2 else predictions.astype(np.int64)
    case = {"name": name, "labels": labels.tolist(), "predictions": [float(x) for x in predictions.ravel()],
            "prediction_shape": shape, "accuracy": float(accuracy_score(labels, y_pred)),
            "macro": scores(labels, y_pred, "macro"), "micro": scores(labels, y_pred, "micro")}
    try:
        case["binary"] = scores(labels, y_pred, "binary")
    except ValueError as e:
        case["binary_error"] = str(e)
    return case


def main():
    rng = np.random.default_rng(20240611)
    cases = []
    cases.append(classification("binary ids", rng.integers(0, 2, 60), rng.integers(0, 2, 60)))
    logits = rng.normal(size=(80, 4)).astype(np.float32)
    cases.append(classification("four classes from logits", rng.integers(0, 4, 80), logits))
    cases.append(classification("binary from two logits", rng.integers(0, 2, 40),
                                rng.normal(size=(40, 2)).astype(np.float32)))
    cases.append(classification("classes only in predictions", [0, 2, 2, 0, 2, 0], [1, 2, 3, 0, 2, 2]))
    cases.append(classification("negative and sparse labels", [-100, 5, 7, 5, -100, 7, 7], [5, 5, 7, -100, -100, 5, 7]))
    cases.append(classification("a class never predicted", [0, 1, 2, 2, 1, 0, 2], [0, 1, 1, 1, 1, 0, 0]))
    cases.append(classification("all wrong", [0, 1, 0, 1], [1, 0, 1, 0]))
    cases.append(classification("only class 0", [0, 0, 0], [0, 0, 0]))
    cases.append(classification("labels 1 and 2", [1, 2, 2, 1, 1], [1, 1, 2, 2, 1]))
    cases.append(classification("labels 0 and 2", [0, 2, 2, 0], [0, 2, 0, 0]))
    cases.append(classification("tied logits pick the first", [0, 1, 2], [[1, 1, 0], [0, 2, 2], [3, 3, 3]]))
    cases.append(classification("ten classes", rng.integers(0, 10, 200), rng.integers(0, 10, 200)))

    regression = []
    for name, n, scale in (("small errors", 50, 0.1), ("large values", 30, 1000.0), ("one value", 1, 3.0)):
        labels = (rng.normal(size=n) * scale).astype(np.float32)
        predictions = (labels + rng.normal(size=n).astype(np.float32) * np.float32(scale / 10)).astype(np.float32)
        regression.append({"name": name, "labels": [float(x) for x in labels],
                           "predictions": [float(x) for x in predictions],
                           "mse": float(mean_squared_error(labels.astype(np.float64), predictions.astype(np.float64)))})

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"sklearn": sklearn.__version__, "classification": cases, "regression": regression},
                              indent=1) + "\n", encoding="ascii")
    print(f"wrote {OUT} (scikit-learn {sklearn.__version__})")


if __name__ == "__main__":
    main()
