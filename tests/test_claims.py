"""The claims check: what the rendered app says about learning rates, for every
optimizer, read off the screen (AppTest) and proved by running it: torch.optim for the
runs, numpy's roots of each optimizer's characteristic polynomial (written here, apart
from the app's) for the theory.

Matrix: six optimizers x the lesson's data raw and standardized, and a bundled dataset
with two features x both loss conventions (the sidebar); the lesson's data for the other
screens.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from apptest_util import app, assert_ok
from torch_reference import hessian_eigen, torch_run

from linreg.experiment import Settings, run
from linreg.optimizers import REGISTRY
from linreg.outcomes import judge

OPTIMIZERS = list(REGISTRY)
DATA = {
    "lesson": {},
    "lesson standardized": {"standardize": "true"},
    "iris, two features, raw": {
        "dataset": "iris",
        "features": ["petal_length", "sepal_length"],
        "standardize": "false",  # a table opens standardized unless the link says not
    },
}
NUMBER = r"(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"


def polynomial(optimizer: str, h: float, mu: float) -> list[float]:
    """The error's characteristic polynomial along an axis with lr * lambda = h
    (coefficients, z^2 first)."""
    if optimizer == "gd":
        return [1.0, -(1 - h), 0.0]
    if optimizer == "momentum":
        return [1.0, -(1 + mu - h), mu]
    return [1.0, -(1 + mu) * (1 - h), mu * (1 - h)]  # nesterov, torch's form


def radius(optimizer: str, lr: float, lam: np.ndarray, mu: float) -> float:
    return max(max(abs(np.roots(polynomial(optimizer, lr * x, mu)))) for x in lam)


def settings_of(query: dict) -> Settings:
    s = Settings(
        optimizer=query.get("optimizer", "gd"),
        learning_rate=float(query.get("learning_rate", 0.01)),
        loss=query.get("loss", "mse"),
        standardize=query.get("standardize") == "true",
        dataset=query.get("dataset", "cortical"),
        features=tuple(query.get("features", ())),
        momentum=float(query["momentum"]) if "momentum" in query else None,
    )
    return s


def problem(query: dict):
    """The trained X, y, start and epochs of the run the page shows (the app's data
    pipeline)."""
    r = run(settings_of(query))
    return (
        r.x_train,
        r.data.y,
        r.traj.theta[0],
        r.settings.epochs,
        r.settings.loss == "half_mse",
    )


def torch_outcome(query: dict, lr: float, steps: int | None = None) -> str:
    """Run it with torch.optim and judge it by the outcome rule."""
    X, y, theta0, epochs, half = problem(query)
    s = settings_of(query)
    hp = s.hyperparameters
    with np.errstate(all="ignore"):
        thetas = torch_run(X, y, s.optimizer, lr, steps or epochs, hp, theta0, half)
        A = np.column_stack([X.reshape(len(y), -1), np.ones(len(y))])
        r = thetas @ A.T - y
        scale = 1.0 if half else 2.0
        loss = (0.5 if half else 1.0) * np.mean(r * r, axis=1)
        grad = np.linalg.norm(scale / len(y) * r @ A, axis=1)
        star = np.linalg.lstsq(A, y, rcond=None)[0]
        loss_star = (0.5 if half else 1.0) * float(np.mean((A @ star - y) ** 2))
        limit = 1e6 * max(loss[0], (0.5 if half else 1.0) * float(np.mean(y * y)))
        bad = np.flatnonzero(~np.isfinite(loss) | (loss > limit))
        diverged = (
            int(bad[0])
            if len(bad)
            else (len(thetas) if len(thetas) < (steps or epochs) + 1 else None)
        )
        keep = slice(None, diverged)
        return str(
            judge(
                loss[keep], grad[keep], steps or epochs, 1e-6, loss_star, diverged
            ).outcome[0]
        )


def reaches_the_minimum(query: dict, lr: float) -> bool:
    """torch's run at ``lr`` converged, or came within 0.1% of the minimum loss."""
    if torch_outcome(query, lr) == "converged":
        return True
    X, y, theta0, epochs, half = problem(query)
    s = settings_of(query)
    thetas = torch_run(X, y, s.optimizer, lr, epochs, s.hyperparameters, theta0, half)
    A = np.column_stack([X.reshape(len(y), -1), np.ones(len(y))])
    star = np.linalg.lstsq(A, y, rcond=None)[0]
    with np.errstate(all="ignore"):
        least = float(np.min(np.mean((thetas @ A.T - y) ** 2, axis=1)))
    return least <= 1.001 * float(np.mean((A @ star - y) ** 2))


def sidebar_caption(at) -> str:
    return next(c.value for c in at.sidebar.caption if "This run:" in c.value)


def gauge_label(at) -> str:
    html = " ".join(h.proto.body for h in at.get("html"))
    return re.search(r'aria-label="([^"]+)"', html).group(1)


def grab(pattern: str, text: str) -> list[float]:
    found = re.search(pattern, text)
    assert found, (pattern, text)
    return [float(g) for g in found.groups()]


QUERIES = [
    {**data, "optimizer": opt, "loss": loss, "learning_rate": lr}
    for data in DATA.values()
    for opt, lr in zip(
        OPTIMIZERS, ["0.05", "0.02", "0.1", "0.3", "0.001", "0.05"], strict=True
    )
    for loss in ("mse", "half_mse")
]


@pytest.mark.parametrize(
    "query",
    QUERIES,
    ids=lambda q: (
        f"{q.get('dataset', 'lesson')}-{q.get('standardize', 'raw')}-{q['optimizer']}-"
        f"{q['loss']}"
    ),
)
def test_the_sidebar_says_only_what_runs_prove(query):
    at = app(**query)
    assert_ok(at)
    text = sidebar_caption(at)
    zone = re.search(r"\*\*([a-z -]+)\*\*", text).group(1)
    # the gauge and its caption agree
    assert gauge_label(at).split(": ")[1].startswith(zone)
    lr = float(query["learning_rate"])
    outcome = re.search(r"This run: \*\*([a-z ]+)\*\*", text).group(1)
    assert outcome == torch_outcome(query, lr)
    X, y, *_ = problem(query)
    lam = hessian_eigen(X, y, query["loss"] == "half_mse")[0]
    mu = 0.9
    name = query["optimizer"]
    if REGISTRY[name].adaptive:
        check_measured(query, text)
        return
    (limit,) = grab(r"limit [^=]+ = " + NUMBER, text)
    assert torch_outcome(query, 0.97 * limit, 3000) != "diverged"
    assert torch_outcome(query, 1.03 * limit, 3000) == "diverged"
    if "gone after one step" in text:
        assert radius(name, lr, lam, mu) < 1e-9
    else:
        (rho,) = grab(r"error ×" + NUMBER + " per step", text)  # three digits at least
        assert rho == pytest.approx(radius(name, lr, lam, mu), rel=5e-3, abs=6e-4)
    grid = np.linspace(1e-4, 0.9999, 3000) * limit
    smallest = min(radius(name, g, lam, mu) for g in grid)
    if "any rate in" in text:
        lo, hi, flat = grab(
            r"any rate in \[" + NUMBER + ", " + NUMBER + r"\] \(×" + NUMBER, text
        )
        assert flat == pytest.approx(smallest, rel=0.01)
        for g in (lo * 1.01, math.sqrt(lo * hi), hi * 0.99):
            assert radius(name, g, lam, mu) == pytest.approx(flat, rel=0.01)
    # kappa = 1: one rate zeroes every axis
    elif re.search(r"· best \S+ \(done in one step", text):
        (best,) = grab(r"best " + NUMBER + r" \(done in one step", text)
        assert (
            min(radius(name, b, lam, mu) for b in best * np.linspace(0.995, 1.005, 101))
            < 1e-2
        )
    else:
        best, contraction = grab(r"best " + NUMBER + r" \(×" + NUMBER, text)
        # shown to 3 digits: some rate that rounds to it, and the claimed contraction,
        # are the grid's least
        near = min(
            radius(name, b, lam, mu) for b in best * np.linspace(0.995, 1.005, 101)
        )
        assert near == pytest.approx(smallest, rel=0.01, abs=0.015)
        assert contraction == pytest.approx(smallest, rel=0.01, abs=0.015)
    if name != "gd":
        if "GD at its best (done in one step" in text:  # kappa = 1
            text = text.replace(
                "GD at its best (done in one step", "GD at its best (×0/step"
            )
        gd_rho, gd_lr = grab(
            r"GD at its best \(×" + NUMBER + r"/step at lr " + NUMBER, text
        )
        slower = "slower than GD at its best" in text
        assert (
            slower == (smallest > gd_rho * 1.001) or abs(smallest / gd_rho - 1) < 0.002
        )
        gd_grid = np.linspace(1e-4, 0.9999, 3000) * 2 / lam[-1]
        assert gd_rho == pytest.approx(
            min(radius("gd", g, lam, 0) for g in gd_grid), rel=0.01, abs=0.015
        )
        assert radius("gd", gd_lr, lam, 0) == pytest.approx(gd_rho, rel=0.01, abs=0.015)
        pair_lr, pair_mu, pair_rho = grab(
            r"fastest pair: lr " + NUMBER + ", μ " + NUMBER + r" \(×" + NUMBER, text
        )
        # the pair is shown rounded (3 and 2 digits): some pair that rounds to it
        # contracts as claimed
        lrs = np.linspace(pair_lr * (1 - 0.005), pair_lr * (1 + 0.005), 41)
        mus = np.linspace(pair_mu - 0.005, pair_mu + 0.005, 41)
        box = min(radius(name, a, lam, b) for a in lrs for b in mus)
        assert box == pytest.approx(pair_rho, rel=0.01, abs=0.015)
        # at least as fast as the best rate at the user's momentum
        assert pair_rho <= smallest + 1e-9


def check_measured(query: dict, text: str) -> None:
    """The adaptive optimizers' sentence: every rate it names did what it says, run by
    torch."""
    # The adaptive optimizers hover near the optimum, and a hover's fate at the
    # tolerance hangs on the last bits of each gradient: the app's come from sufficient
    # statistics and can be exactly zero at the optimum (with kappa = 1, H = 2I),
    # torch's come from residuals and never are, and RMSprop and Adam blow rounding
    # noise up into steps of about lr.  Where the app's run converged, torch's run must
    # converge or reach the minimum (its loss within 0.1% of it) on the way.
    if "only " in text:
        (lo,) = grab(r"only " + NUMBER + " converged", text)
        assert reaches_the_minimum(query, lo)
    elif "none converged" not in text:
        lo, hi = grab(r"converged, between " + NUMBER + " and " + NUMBER, text)
        assert reaches_the_minimum(query, lo) and reaches_the_minimum(query, hi)
    if "none converged" not in text:
        (best,) = grab(r"best measured " + NUMBER, text)
        assert reaches_the_minimum(query, best)
    if "none diverged" in text:
        (top,) = grab(r"none diverged up to " + NUMBER, text)
        assert torch_outcome(query, top) != "diverged"
    else:
        (first,) = grab(r"first diverged at " + NUMBER, text)
        assert torch_outcome(query, first) == "diverged"
    assert REGISTRY[query["optimizer"]].steps_statement().rstrip(".") in text


LESSON = [
    {"optimizer": opt, "learning_rate": lr}
    for opt, lr in zip(
        OPTIMIZERS, ["0.05", "0.02", "0.1", "0.3", "0.001", "0.05"], strict=True
    )
]


def steep_flips(query: dict, lr: float) -> np.ndarray:
    X, y, theta0, _, half = problem(query)
    s = settings_of(query)
    with np.errstate(all="ignore"):
        thetas = torch_run(X, y, s.optimizer, lr, 60, s.hyperparameters, theta0, half)
    A = np.column_stack([X.reshape(len(y), -1), np.ones(len(y))])
    star = np.linalg.lstsq(A, y, rcond=None)[0]
    e = (thetas - star) @ hessian_eigen(X, y, half)[1][:, -1]
    e = e[np.abs(e) > 1e-9 * np.abs(e).max()]
    return np.sign(e[1:]) != np.sign(e[:-1])


@pytest.mark.parametrize("query", LESSON, ids=lambda q: q["optimizer"])
def test_every_example_run_does_what_its_label_says(query):
    at = app("pages/sweep.py", **query)
    assert_ok(at)
    names = [
        {t.get("name") or "" for t in json.loads(c.proto.spec)["data"]}
        for c in at.get("plotly_chart")
    ]
    labels = next(
        {n for n in found if " · lr " in n and ": " in n}
        for found in names
        if any(" · lr " in n for n in found)
    )
    assert len(labels) >= 3, labels
    for label in labels:
        name = label.split(" · ")[0]
        (lr,) = grab(r"lr " + NUMBER, label)
        outcome = label.rsplit(": ", 1)[1]
        assert torch_outcome(query, lr) == outcome, label
        flips = steep_flips(query, lr)
        if name == "monotone":
            assert not flips[3:].any(), label
        elif name == "spiral":
            assert flips.any() and not flips.all(), label
        elif name == "zig-zag":
            assert flips[10:].all(), label
        elif name in ("diverging", "diverged"):
            assert outcome == "diverged", label
    if REGISTRY[query["optimizer"]].adaptive and not any(
        "diverged" in label for label in labels
    ):
        assert any(
            "diverged for" in c.value and "No rate up to" in c.value for c in at.caption
        )


@pytest.mark.parametrize("query", LESSON, ids=lambda q: q["optimizer"])
def test_the_scrubbers_labels_are_what_the_runs_did(query):
    at = app(scrub="true", **query)
    assert_ok(at)
    spec = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if '"sliders"' in c.proto.spec
    )
    # Momentum, Nesterov: each (rate, momentum) pair's frame says it
    if len(spec["layout"]["sliders"]) == 2:
        return check_pair_verdicts(spec, query)
    steps = spec["layout"]["sliders"][0]["steps"]
    for step in steps[:: max(1, len(steps) // 8)]:
        label = step["label"]
        lr = float(label.split(" · ")[0])
        did = label.split(" · ", 1)[1].rsplit(": ", 1)[-1]
        expected = torch_outcome(query, lr)
        assert did == expected or (
            did.startswith("diverged at step") and expected == "diverged"
        ), label


def check_pair_verdicts(spec: dict, query: dict) -> None:
    """The verdict drawn in a sample of the pairs' frames ("learning rate 0.3, momentum
    0.9 · spiral, ×…/step: converged"), found as the two sliders' values name them,
    against torch's run at that pair.
    """
    lr_steps, mu_steps = (slider["steps"] for slider in spec["layout"]["sliders"])
    frames = {f["name"]: f for f in spec["frames"]}
    said = [t.get("name") for t in spec["data"]].index("verdict")
    for lr_step in lr_steps[:: max(1, len(lr_steps) // 5)]:
        for mu_step in (mu_steps[0], mu_steps[len(mu_steps) // 2], mu_steps[-1]):
            frame = frames[f"{lr_step['value']} {mu_step['value']}"]
            text = frame["data"][frame["traces"].index(said)]["text"][0]
            lr, mu = grab(r"learning rate " + NUMBER + ", momentum " + NUMBER, text)
            assert lr == float(lr_step["label"]) and mu == float(mu_step["label"]), text
            pair = {**query, "momentum": mu_step["label"]}
            if mu == 0 and query["optimizer"] == "nesterov":
                # the same rule at momentum 0, which torch's Nesterov refuses
                pair["optimizer"] = "gd"
            did, expected = text.rsplit(": ", 1)[-1], torch_outcome(pair, lr)
            assert did == expected or (
                did.startswith("diverged at step") and expected == "diverged"
            ), text


@pytest.mark.parametrize("query", LESSON, ids=lambda q: q["optimizer"])
def test_predict_then_reveal_asks_real_questions_and_answers_with_the_run(query):
    answers = set()
    for draw in range(6):
        at = app("pages/learn.py", **query)
        at.session_state["reveal_draw"] = draw
        at.run()
        at.radio(key="reveal_guess").set_value("converged").run()
        at.button(key="reveal").click().run()
        assert_ok(at)
        question = next(
            m.value
            for m in at.markdown
            if m.value.startswith("**What will a learning rate of")
        )
        (lr,) = grab(r"learning rate of " + NUMBER, question)
        shown = (at.success or at.warning)[-1].value
        outcome = re.search(r"\*\*([a-z ]+)\*\*", shown).group(1)
        assert outcome == torch_outcome(query, lr)
        answers.add(outcome)
    assert len(answers) >= 2  # over a class's draws, more than one answer is right


def test_the_race_table_says_what_each_racer_did():
    at = app("pages/race.py", learning_rate="0.05")
    assert_ok(at)
    table = at.dataframe[0].value
    for _, row in table.iterrows():
        name = next(
            k
            for k, v in REGISTRY.items()
            if row["optimizer"]
            in (k, __import__("linreg.app.labels").app.labels.OPTIMIZERS[k])
        )
        assert row["outcome"] == torch_outcome(
            {"optimizer": name}, float(row["learning rate"])
        )


def test_a_near_zero_r2_on_the_lessons_data_is_explained():
    at = app()
    X, y, *_ = problem({})
    A = np.column_stack([X, np.ones(len(y))])
    fit = A @ np.linalg.lstsq(A, y, rcond=None)[0]
    best = 1 - np.sum((fit - y) ** 2) / np.sum((y - y.mean()) ** 2)
    note = next(c.value for c in at.caption if "even the best line has R²" in c.value)
    assert f"R² = {best:.3g}" in note and best < 0.1
