"""The learning-rate scrubber: its runs against train(), its claims against the theory,
its figure's frames."""

import base64
import io
import json

import numpy as np
import pytest
from apptest_util import app, assert_ok, chart_specs
from PIL import Image

from linreg import analyse, cortical_thickness, quadratic, train
from linreg.dynamics import LinearTheory
from linreg.sweep import kept_steps, rate_paths
from linreg.theory import rate_map
from linreg.viz import scrubber


def decode(values) -> np.ndarray:
    if isinstance(values, dict):
        return np.frombuffer(
            base64.b64decode(values["bdata"]), dtype=values["dtype"]
        ).astype(float)
    return np.asarray(values, dtype=float)


@pytest.fixture(scope="module")
def lesson():
    data = cortical_thickness()
    return data, quadratic(data.X, data.y)


@pytest.mark.parametrize(
    "optimizer", ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
)
def test_every_scrubbed_run_is_the_run_train_makes(lesson, optimizer):
    """Stacked runs (one NumPy step for all rates) against train's own loop, one rate at
    a time."""
    data, q = lesson
    rates = np.geomspace(1e-3, 0.7, 7)
    paths = rate_paths(q, rates, 300, optimizer)
    for i, lr in enumerate(rates):
        t = train(
            data.X, data.y, optimizer=optimizer, learning_rate=float(lr), epochs=300
        )
        # a diverged run stops (train) or turns nan (rate_paths) there
        kept = paths.steps <= t.n_steps
        finite = np.all(np.isfinite(paths.theta[i]), axis=1)
        assert np.array_equal(finite, kept) or (
            t.diverged and np.array_equal(finite[kept][:-1], kept[kept][:-1])
        )
        both = kept & finite
        np.testing.assert_allclose(
            paths.theta[i, both], t.theta[paths.steps[both]], rtol=1e-9, atol=1e-12
        )
        assert np.isnan(paths.diverged_at[i]) == (not t.diverged)
        # its end: the last step, or the last before it diverged
        last = int(paths.diverged_at[i]) - 1 if t.diverged else t.n_steps
        np.testing.assert_allclose(paths.end[i], t.theta[last], rtol=1e-9, atol=1e-12)


def test_kept_steps_start_dense_and_end_on_the_last():
    steps = kept_steps(10_000)
    assert steps[0] == 0 and steps[-1] == 10_000 and len(steps) <= 121
    assert np.array_equal(steps[:31], np.arange(31))
    assert np.all(np.diff(steps) > 0)


def test_gd_runs_diverge_exactly_beyond_two_over_L(lesson):
    """What the strip and the slider's labels claim, on the runs themselves: GD diverges
    iff lr > 2/L."""
    q = lesson[1]
    a = analyse(q)
    limit = 2 / a.L
    rates = np.concatenate(
        [
            np.geomspace(limit / 100, limit * 0.95, 20),
            np.geomspace(limit * 1.05, limit * 2, 10),
        ]
    )
    paths = rate_paths(q, rates, 3000)
    np.testing.assert_array_equal(paths.diverging, rates > limit)
    m = rate_map(a, "gd")
    for i, lr in enumerate(rates):
        label = scrubber.verdict(paths, i, m)
        assert ("diverged" in label) == (lr > limit)
        zone = "monotone" if lr <= 1 / a.L else "zig-zag" if lr < limit else "diverging"
        rho = max(abs(1 - lr * a.eigenvalues))
        # three significant digits at least
        shown = float(label.split("×")[1].split("/")[0])
        assert label.startswith(f"{zone}, ×") and shown == pytest.approx(rho, rel=5e-3)


def scrub_figure(lesson, learning_rate=0.3, optimizer="gd"):
    data, q = lesson
    a = analyse(q)
    rates = np.unique(
        np.append(np.geomspace(2 / a.L / 1000, 2 / a.L * 1.6, 60), learning_rate)
    )
    current = int(np.searchsorted(rates, learning_rate))
    paths = rate_paths(q, rates, 2000, optimizer)
    fig = scrubber.scrubber_figure(
        paths,
        paths.end,
        data.X,
        data.y,
        q,
        a,
        a.theta_star,
        current=current,
        rate_map=rate_map(a, optimizer),
    )
    return paths, current, json.loads(fig.to_json())


def test_the_path_marks_each_iterate_while_every_step_is_kept(lesson):
    """The path's line runs through every kept step; its markers are the iterates
    while every step is kept (steps 0, 1, 2, ... up to the first gap), each at
    (w_k, b_k) of a hand-written GD loop, in every frame."""
    data, _ = lesson
    paths, _, spec = scrub_figure(lesson)
    x, y = data.X[:, 0], data.y
    gap = next(i for i, s in enumerate(paths.steps) if s != i)
    assert 10 < gap < len(paths.steps)
    names = [t.get("name") for t in spec["data"]]
    line, dots = names.index("path"), names.index("iterates")
    assert spec["data"][line]["mode"] == "lines"
    assert spec["data"][dots]["mode"] == "markers"
    for frame in spec["frames"][::7]:
        lr = paths.learning_rates[int(frame["name"].removeprefix("lr "))]
        moved = dict(zip(frame["traces"], frame["data"], strict=True))
        w = b = 0.0
        hand = [(w, b)]
        for _ in range(gap - 1):
            r = w * x + b - y
            w, b = w - lr * 2 * np.mean(r * x), b - lr * 2 * np.mean(r)
            hand.append((w, b))
        marks = np.column_stack([decode(moved[dots]["x"]), decode(moved[dots]["y"])])
        np.testing.assert_allclose(marks, hand, rtol=1e-5, atol=1e-6)
        assert len(decode(moved[line]["x"])) == len(paths.steps)


def test_the_figure_has_one_light_frame_per_rate_moved_by_a_learning_rate_slider(
    lesson,
):
    paths, current, spec = scrub_figure(lesson)
    frames = spec["frames"]
    assert len(frames) == len(paths.learning_rates) == 61
    (slider,) = spec["layout"]["sliders"]
    assert slider["currentvalue"]["prefix"].strip() == "learning rate"
    assert slider["active"] == current
    for step, frame in zip(slider["steps"], frames, strict=True):
        assert step["method"] == "animate" and step["args"][0] == [frame["name"]]
        # the browser alone: no server, no full redraw
        assert step["args"][1]["frame"]["redraw"] is False
    assert len(json.dumps(spec)) < 1_000_000


def moved(spec: dict, frame: dict) -> dict:
    """A frame's new data by the name of the trace it moves."""
    return {
        spec["data"][index].get("name"): data
        for index, data in zip(frame["traces"], frame["data"], strict=True)
    }


def test_each_frame_draws_its_own_rate(lesson):
    paths, current, spec = scrub_figure(lesson)
    for i in (0, current, len(paths.learning_rates) - 1):
        drawn = moved(spec, spec["frames"][i])
        loss, path, mark = drawn["loss"], drawn["path"], drawn["scrubbed"]
        np.testing.assert_allclose(
            decode(path["x"]), paths.theta[i, :, 0], rtol=1e-6, equal_nan=True
        )
        np.testing.assert_allclose(
            decode(path["y"]), paths.theta[i, :, 1], rtol=1e-6, equal_nan=True
        )
        np.testing.assert_allclose(
            decode(loss["y"]), paths.loss[i], rtol=1e-6, equal_nan=True
        )
        assert decode(mark["x"])[0] == pytest.approx(paths.learning_rates[i], rel=1e-6)
    # the figure opens on the current rate: its traces are that frame's
    moving = spec["frames"][current]["traces"]
    np.testing.assert_allclose(
        decode(spec["data"][moving[2]]["x"]), paths.theta[current, :, 0], rtol=1e-6
    )


def test_the_scrubber_titles_and_colours_its_views_as_the_playground_does(lesson):
    """One title and one colour per idea: each view of the scrubber (rates alone, and
    rate and momentum four in a row) has the Playground's title (a note after it where
    it says more: "end of run"), its loss curve and its line the Playground's colours.
    """
    from linreg.experiment import Settings, run
    from linreg.viz.playground import run_figure

    own = run_figure(run(Settings())).to_dict()
    titles = [note["text"] for note in own["layout"]["annotations"]][:3]
    assert titles[0] == "Data and fitted line"  # the lesson's data: one feature
    colour = {t.get("name"): t.get("line", {}).get("color") for t in own["data"]}
    for spec in (scrub_figure(lesson)[-1], pair_figure(lesson)[-1]):
        notes = spec["layout"]["annotations"]
        shown = [n["text"] for n in notes if n.get("xref") == "paper"][:3]
        for title, drawn in zip(titles, shown, strict=True):
            assert drawn == title or drawn.startswith(f"{title} (")
        lines = {t.get("name"): t.get("line", {}).get("color") for t in spec["data"]}
        assert lines["loss"] == colour["training loss"]
        assert lines["fit"] == colour["fit"]


def test_a_diverging_rate_points_to_its_line_and_marks_its_last_loss(lesson):
    """GD at 0.983 (beyond 2/L = 0.789) on the lesson: the line leaves the data view
    and an edge marker says where it went, as the Playground's does; the loss curve
    stops where the run diverged, its last loss marked inside the loss view. Both
    numbers against a hand-written GD loop."""
    data, _ = lesson
    paths, current, spec = scrub_figure(lesson, learning_rate=0.983)
    last = int(paths.diverged_at[current]) - 1  # the last step before it diverged
    x, y = data.X[:, 0], data.y
    w = b = 0.0
    for _ in range(last):
        r = w * x + b - y
        w, b = w - 0.983 * 2 * np.mean(r * x), b - 0.983 * 2 * np.mean(r)
    said = pointers(spec, spec["frames"][current])
    line = said["x"]
    level = w * (x.min() + x.max()) / 2 + b  # the line's height mid-view
    assert level > spec["layout"]["yaxis"]["range"][1] and level > 100
    assert line["text"][0].startswith("↑ line at y ≈ ")
    assert float(line["text"][0].split("≈ ")[1]) == pytest.approx(level, rel=1e-3)
    bottom, top = spec["layout"]["yaxis"]["range"]
    assert top - 0.01 * (top - bottom) < line["y"][0] < top  # on the top edge
    loss = said["x2"]
    words, at_step = loss["text"][0].split("<br>")
    assert float(words.split("≈ ")[1]) == pytest.approx(
        np.mean((w * x + b - y) ** 2), rel=1e-2
    )
    assert at_step.startswith(f"at step {last},") and loss["x"][0] == last
    low, high = spec["layout"]["yaxis2"]["range"]
    assert low <= np.log10(loss["y"][0]) <= high


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_a_diverged_pair_marks_its_last_step_before_the_verdicts_step(
    lesson, optimizer
):
    """Each diverged (lr, mu) run's markers name its last step before the step the
    verdict says it diverged at (not the last kept step, which comes earlier after step
    31), with the loss and the line torch's own run has there."""
    from torch_reference import torch_run

    data, _ = lesson
    paths, _, _, spec = pair_figure(lesson, optimizer)
    x, y = data.X[:, 0], data.y
    rates = len(spec["layout"]["sliders"][0]["steps"])
    checked = 0
    for frame in spec["frames"]:
        k = scrubber.frame_run(frame["name"], rates)
        if np.isnan(paths.diverged_at[k]):
            continue
        said = pointers(spec, frame)
        verdict = next(
            d["text"][0] for d in frame["data"] if "text" in d and "·" in d["text"][0]
        )
        step = int(paths.diverged_at[k]) - 1
        assert verdict.endswith(f"diverged at step {step + 1}")
        words, at = said["x2"]["text"][0].split("<br>")
        assert at == f"at step {step}, diverged"
        lr, mu = float(paths.learning_rates[k]), float(paths.momenta[k])
        # torch's Nesterov wants a momentum: at 0 it is GD
        name = optimizer if mu > 0 else "gd"
        w, b = torch_run(data.X, y, name, lr, step, {"momentum": mu})[step]
        # the words give two significant figures
        assert float(words.split("≈ ")[1]) == pytest.approx(
            np.mean((w * x + b - y) ** 2), rel=0.05
        )
        if "x" in said:
            level = w * (x.min() + x.max()) / 2 + b
            line = float(said["x"]["text"][0].split("≈ ")[1])
            assert line == pytest.approx(level, rel=0.05)
        checked += 1
    assert checked > 10


def pointers(spec: dict, frame: dict) -> dict:
    """The edge markers a frame shows (those with words), by their view's x axis."""
    return {
        spec["data"][index]["xaxis"]: new
        for index, new in zip(frame["traces"], frame["data"], strict=True)
        if any(new.get("text") or [])
    }


def test_every_frame_clears_what_it_does_not_show_and_shows_it_inside_the_view(
    lesson,
):
    """Dragged from a diverging rate back to a converging one, its pointers go: a frame
    never moves a trace to empty arrays (Plotly keeps the last frame's points for them).
    Each pointer shown sits inside its view's ranges, as sent (float32): Plotly hides a
    point beyond them even where it does not clip."""
    paths, _, spec = scrub_figure(lesson)
    layout, shown = spec["layout"], 0
    for frame in spec["frames"]:
        assert all(len(decode(new["x"])) for new in frame["data"]), frame["name"]
        for axis, new in pointers(spec, frame).items():
            x_range = layout["xaxis" + axis[1:]]["range"]
            y_axis = layout["yaxis" + axis[1:]]
            y = decode(new["y"])[0]
            y = np.log10(y) if y_axis.get("type") == "log" else y
            x = decode(new["x"])[0]
            assert x_range[0] <= x <= x_range[1], frame["name"]
            assert y_axis["range"][0] <= y <= y_axis["range"][1], frame["name"]
            # its words go inwards, from whichever quarter of the view it sits in
            upper = y > sum(y_axis["range"]) / 2
            vertical, horizontal = new["textposition"][0].split()
            assert vertical == ("bottom" if upper else "top"), frame["name"]
            right = x > sum(x_range) / 2
            assert horizontal == ("left" if right else "right"), frame["name"]
            shown += 1
    # every diverging rate points to its line and marks its loss
    assert shown == 2 * np.count_nonzero(~np.isnan(paths.diverged_at)) > 0


def test_the_slider_labels_say_what_each_rate_does(lesson):
    paths, _, spec = scrub_figure(lesson)
    labels = [s["label"] for s in spec["layout"]["sliders"][0]["steps"]]
    a = analyse(lesson[1])
    limit = 2 / a.L
    assert all(
        ("diverged" in label) == (lr > limit)
        for label, lr in zip(labels, paths.learning_rates, strict=True)
    )
    rho = max(abs(1 - 0.3 * a.eigenvalues))  # GD's contraction at 0.3 (< 1/L: monotone)
    assert f"0.3 · monotone, ×{rho:.3f}/step: converged" in labels


def test_playground_scrub_mode_sets_the_player_and_metrics_aside():
    at = app(scrub="true")
    assert_ok(at)
    specs = chart_specs(at)
    sliders = [s["layout"]["sliders"][0] for s in specs if s["layout"].get("sliders")]
    # no step player
    assert [s["currentvalue"]["prefix"].strip() for s in sliders] == ["learning rate"]
    assert not at.metric
    assert any("set aside" in c.value for c in at.caption)


def test_sweep_page_has_the_scrubber_and_a_mini_batch_run_says_it_is_full_batch():
    at = app("pages/sweep.py", batch="mini", batch_size=8)
    assert_ok(at)
    sliders = [
        s["layout"]["sliders"][0] for s in chart_specs(at) if s["layout"].get("sliders")
    ]
    prefixes = [s["currentvalue"]["prefix"] for s in sliders]
    assert "learning rate " in prefixes
    assert any(
        "full batch: the run itself uses mini-batches" in c.value for c in at.caption
    )


def test_several_features_scrub_predicted_against_actual():
    at = app(scrub="true", dataset="iris", features=["petal_length", "sepal_length"])
    assert_ok(at)
    (spec,) = [s for s in chart_specs(at) if s["layout"].get("sliders")]
    assert "Predicted vs actual" in json.dumps(spec["layout"]["annotations"])


def test_a_run_that_ends_above_its_start_without_diverging_says_so(lesson):
    """One epoch at a rate just past the limit: the loss rose, but not past the
    divergence threshold."""
    q = lesson[1]
    a = analyse(q)
    paths = rate_paths(q, [1.5 * 2 / a.L], 1)
    assert np.isnan(paths.diverged_at[0]) and paths.diverging[0]
    assert scrubber.verdict(paths, 0, rate_map(a, "gd")).endswith(": diverged")


def test_the_scrub_grid_spans_the_limit_and_holds_the_current_rate():
    from linreg.sweep import scrub_grid

    rates, i = scrub_grid(0.8, 0.0123)
    assert len(rates) == 61 and rates[i] == 0.0123
    assert rates[0] == pytest.approx(0.8 / 1000) and rates[-1] == pytest.approx(
        0.8 * 1.6
    )
    assert np.all(np.diff(np.log(rates)) > 0)
    rates, i = scrub_grid(None, 0.01)  # adaptive: no limit, the sweep's range
    assert (
        rates[0] == pytest.approx(1e-4)
        and rates[-1] == pytest.approx(10)
        and rates[i] == 0.01
    )


# ---------------------------------------------------------------- learning rate and
# momentum together
def largest_root(family: str, lr: float, mu: float, eigenvalues) -> float:
    """The contraction per step from numpy's roots of each axis' characteristic
    polynomial (README's a, c)."""
    moduli = []
    for lam in eigenvalues:
        h = lr * lam
        a, c = {
            "heavy_ball": (1 + mu - h, mu),
            "nesterov": ((1 + mu) * (1 - h), mu * (1 - h)),
        }[family]
        moduli.append(max(abs(np.roots([1.0, -a, c]))))
    return max(moduli)


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_every_stacked_pair_is_the_run_train_makes(lesson, optimizer):
    """Runs stacked over (learning rate, momentum), one NumPy step for all, against
    train's own loop per pair."""
    data, q = lesson
    rates, momenta = np.geomspace(1e-2, 2.5, 5), [0.0, 0.5, 0.9, 0.99]
    paths = rate_paths(q, rates, 400, optimizer, momenta=momenta)
    assert len(paths.learning_rates) == len(rates) * len(momenta)
    for j, mu in enumerate(momenta):
        for i, lr in enumerate(rates):
            k = j * len(rates) + i
            assert paths.learning_rates[k] == lr and paths.momenta[k] == mu
            t = train(
                data.X,
                data.y,
                optimizer=optimizer,
                learning_rate=float(lr),
                momentum=mu,
                epochs=400,
                tol=1e-6,
            )
            both = (paths.steps <= t.n_steps) & np.all(
                np.isfinite(paths.theta[k]), axis=1
            )
            assert both.sum() >= 2
            np.testing.assert_allclose(
                paths.theta[k, both], t.theta[paths.steps[both]], rtol=1e-9, atol=1e-12
            )
            assert paths.outcome[k] == t.outcome
            assert np.isnan(paths.diverged_at[k]) == (not t.diverged)


def test_the_optimizers_refuse_a_momentum_out_of_range_in_a_stack():
    from linreg.optimizers import make_optimizer

    with pytest.raises(ValueError, match="momentum must be in"):
        make_optimizer("momentum", momentum=np.array([[0.5], [1.0]]))


def test_heavy_balls_flat_interval_is_where_its_best_rate_is_flat(lesson):
    """The closed form the map draws ((1 - √μ)²/λmin to (1 + √μ)²/L) against the best
    rate's numerical search."""
    a = analyse(lesson[1])
    for mu in (0.6, 0.9, 0.99):
        theory = LinearTheory("heavy_ball", np.maximum(a.eigenvalues, 0), mu)
        lo, hi = theory.flat_interval
        assert lo == pytest.approx(
            (1 - mu**0.5) ** 2 / a.eigenvalues[0]
        ) and hi == pytest.approx((1 + mu**0.5) ** 2 / a.L)
        np.testing.assert_allclose(theory.best.interval, (lo, hi), rtol=1e-6)
        assert largest_root(
            "heavy_ball", np.sqrt(lo * hi), mu, a.eigenvalues
        ) == pytest.approx(mu**0.5, rel=1e-9)
    # κ too large for it
    assert (
        LinearTheory("heavy_ball", np.maximum(a.eigenvalues, 0), 0.1).flat_interval
        is None
    )
    assert (
        LinearTheory("nesterov", np.maximum(a.eigenvalues, 0), 0.9).flat_interval
        is None
    )


def pair_figure(
    lesson, optimizer="momentum", learning_rate=0.3, momentum=0.9, stacked=False
):
    from linreg.dynamics import best_pair
    from linreg.sweep import SCRUB_PAIR_RATES, scrub_grid, scrub_momenta
    from linreg.viz import rates as rate_views

    data, q = lesson
    a = analyse(q)
    momenta, j = scrub_momenta(momentum)
    maps = tuple(rate_map(a, optimizer, momentum=float(mu)) for mu in momenta)
    lrs, i = scrub_grid(max(m.limit for m in maps), learning_rate, SCRUB_PAIR_RATES)
    paths = rate_paths(q, lrs, 2000, optimizer, momenta=momenta)
    family = maps[0].theory.family
    chart = rate_views.momentum_map(
        a, family, best_pair(family, np.maximum(a.eigenvalues, 0))
    )
    fig = scrubber.scrubber_figure(
        paths,
        paths.end,
        data.X,
        data.y,
        q,
        a,
        a.theta_star,
        current=i,
        rate_map=maps[j],
        stacked=stacked,
        momenta=scrubber.Momenta(momenta, j, maps, chart),
    )
    return paths, (i, j), momenta, json.loads(fig.to_json())


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_the_two_sliders_name_the_pairs_frame_and_it_draws_that_pair(lesson, optimizer):
    paths, (i0, j0), momenta, spec = pair_figure(lesson, optimizer)
    lr_slider, mu_slider = spec["layout"]["sliders"]
    assert (lr_slider["name"], mu_slider["name"]) == ("learning_rate", "momentum")
    # the script finds the sliders by these names
    for name in (lr_slider["name"], mu_slider["name"]):
        assert f"x.name === '{name}'" in scrubber.PAIR_SLIDERS_JS
    assert lr_slider["active"] == i0 and mu_slider["active"] == j0
    assert [float(s["label"]) for s in mu_slider["steps"]] == list(
        momenta
    ) and 0.9 in momenta
    # the script animates
    assert all(s["method"] == "skip" for s in lr_slider["steps"] + mu_slider["steps"])
    frames = {f["name"]: f for f in spec["frames"]}
    assert (
        len(frames)
        == len(paths.learning_rates)
        == len(lr_slider["steps"]) * len(momenta)
    )
    traces = [t.get("name") for t in spec["data"]]
    path, pair, said = (
        spec["frames"][0]["traces"].index(traces.index(n))
        for n in ("path", "the pair", "verdict")
    )
    eigenvalues = analyse(lesson[1]).eigenvalues
    family = {"momentum": "heavy_ball", "nesterov": "nesterov"}[optimizer]
    for i in (0, i0, len(lr_slider["steps"]) - 1):
        for j in range(len(momenta)):
            lr_step, mu_step = lr_slider["steps"][i], mu_slider["steps"][j]
            # as PAIR_SLIDERS_JS joins them
            frame = frames[f"{lr_step['value']} {mu_step['value']}"]
            lr, mu = paths.learning_rates[j * len(lr_slider["steps"]) + i], momenta[j]
            run = train(
                lesson[0].X,
                lesson[0].y,
                optimizer=optimizer,
                learning_rate=float(lr),
                momentum=mu,
                epochs=2000,
                tol=1e-6,
            )
            both = (paths.steps <= run.n_steps) & np.isfinite(
                decode(frame["data"][path]["x"])
            )
            drawn = decode(frame["data"][path]["x"])
            # float32 on screen
            np.testing.assert_allclose(
                drawn[both], run.theta[paths.steps[both], 0], rtol=1e-6
            )
            assert (
                decode(frame["data"][pair]["x"])[0] == pytest.approx(lr)
                and decode(frame["data"][pair]["y"])[0] == mu
            )
            text = frame["data"][said]["text"][0]
            assert text.startswith(
                f"learning rate {float(lr_step['label']):g}, momentum {mu:g} · "
            )
            rho = float(text.split("×")[1].split("/")[0])
            assert rho == pytest.approx(
                largest_root(family, lr, mu, eigenvalues), rel=5e-3
            )
            assert text.endswith(f": {run.outcome}") or (
                run.diverged and "diverged at step" in text
            )
    assert len(json.dumps(spec)) < 2_000_000


def test_the_pair_figure_opens_on_the_users_pair_and_marks_the_map(lesson):
    _, _, momenta, spec = pair_figure(lesson, learning_rate=0.05, momentum=0.42)
    assert 0.42 in momenta
    names = [t.get("name") for t in spec["data"]]
    pair = spec["data"][names.index("the pair")]
    assert decode(pair["x"])[0] == pytest.approx(0.05) and decode(pair["y"])[
        0
    ] == pytest.approx(0.42)
    star = next(
        t for t in spec["data"] if (t.get("name") or "").startswith("fastest (Polyak)")
    )
    a = analyse(lesson[1])
    mu_star = (
        (np.sqrt(a.L) - np.sqrt(a.eigenvalues[0]))
        / (np.sqrt(a.L) + np.sqrt(a.eigenvalues[0]))
    ) ** 2
    # Polyak's momentum ((√L - √λ)/(√L + √λ))²
    assert decode(star["y"])[0] == pytest.approx(mu_star, rel=1e-3)
    edge = next(t for t in spec["data"] if t.get("name") == "stability limit")
    # (2 + 2μ)/L
    np.testing.assert_allclose(
        decode(edge["x"]), (2 + 2 * decode(edge["y"])) / a.L, rtol=1e-6
    )
    assert any((t.get("name") or "").startswith("flat") for t in spec["data"])
    # Nesterov's fastest pair is its own, not Polyak's
    _, _, _, spec = pair_figure(lesson, "nesterov", learning_rate=0.05, momentum=0.42)
    names = [t.get("name") or "" for t in spec["data"]]
    assert any(n.startswith("fastest: lr ") for n in names)
    assert not any("Polyak" in n for n in names)


def test_the_stacked_pair_figure_puts_the_map_in_its_own_row(lesson):
    *_, spec = pair_figure(lesson, stacked=True)
    # the map, as an image on its axes (an animation drops a heat-map trace)
    (heat,) = spec["layout"]["images"]
    path = next(t for t in spec["data"] if t.get("name") == "path")
    domain = lambda axis: spec["layout"][axis.replace("y", "yaxis")]["domain"]  # noqa: E731
    # under the path, not beside it
    assert domain(heat["yref"])[1] < domain(path["yaxis"])[0]


def test_the_maps_image_has_the_heat_maps_colours():
    """Lower contraction is faster: yellow (Viridis' top) at zmin, dark purple at zmax,
    nothing where it diverges; the image's top row is the largest momentum."""
    from linreg.viz.rates import HEAT_SCALE, heat_png

    z = np.array([[0.5, 1.0], [np.nan, 0.75]])  # rows: momentum 0, then 0.5
    heat = {
        "z": z,
        "zmin": 0.5,
        "zmax": 1.0,
        "colorscale": HEAT_SCALE,
        "reversescale": True,
    }
    image = np.asarray(
        Image.open(io.BytesIO(base64.b64decode(heat_png(heat).split(",")[1])))
    )
    assert image.shape == (2, 2, 4)
    assert image[1, 0].tolist() == [0xFD, 0xE7, 0x25, 255] and image[1, 1].tolist() == [
        0x44,
        0x01,
        0x54,
        255,
    ]
    assert image[0, 0, 3] == 0  # diverges: transparent
    # 0.75 is half way: half way between Viridis' 5th and 6th stops (#26828e, #1f9e89),
    # at 4/9 and 5/9
    np.testing.assert_allclose(
        image[0, 1, :3],
        [(0x26 + 0x1F) / 2, (0x82 + 0x9E) / 2, (0x8E + 0x89) / 2],
        atol=0.6,
    )


def saved_view(at) -> dict | None:
    """What the "Download this view" button hands the browser to save (its data)."""
    (button,) = [c for c in at.get("bidi_component") if c.key == "scrubber_save"]
    assert "Download this view" in button.proto.html_content
    return json.loads(button.proto.json)


def new_plots(page: str) -> list[dict]:
    """The figures of a saved page, as its Plotly.newPlot calls draw them."""
    decoder, specs, at = json.JSONDecoder(), [], 0
    while (at := page.find("Plotly.newPlot(", at) + 1) > 0:
        rest = page[at + len("Plotly.newPlot(") - 1 :]
        args, pos = [], 0
        for _ in range(4):  # the div's id, data, layout, config
            pos = len(rest) - len(rest[pos:].lstrip(" \n,"))
            value, pos = decoder.raw_decode(rest, pos)
            args.append(value)
        specs.append({"data": args[1], "layout": args[2]})
    return specs


def test_a_momentum_scrub_page_has_both_sliders_and_a_download():
    at = app(scrub="true", optimizer="momentum", momentum="0.5")
    assert_ok(at)
    (spec,) = [s for s in chart_specs(at) if s["layout"].get("sliders")]
    _, mu_slider = spec["layout"]["sliders"]
    assert mu_slider["steps"][mu_slider["active"]]["label"] == "0.5"
    # nothing to save until asked
    assert saved_view(at)["html"] is None


def test_the_saved_view_opens_on_the_pair_the_reader_dragged_to():
    """The button's click sends the frame shown (SAVE_VIEW_JS); the rerun hands back the
    file, its scrubber on that pair and the step player beside it."""
    at = app(scrub="true", optimizer="momentum", momentum="0.5")
    at.session_state["scrubber_save_frame"] = "lr 7 momentum 2"  # as on_save_change
    at.run()
    assert_ok(at)
    sent = saved_view(at)
    scrub, player = new_plots(sent["html"])
    lr_slider, mu_slider = scrub["layout"]["sliders"]
    assert (lr_slider["active"], mu_slider["active"]) == (7, 2)
    names = [t.get("name") for t in scrub["data"]]
    pair = scrub["data"][names.index("the pair")]
    lr, mu = (
        float(lr_slider["steps"][7]["label"]),
        float(mu_slider["steps"][2]["label"]),
    )
    assert mu == 0.5  # the third of 0, 0.3, 0.5, 0.7, ...
    assert decode(pair["x"])[0] == pytest.approx(lr, rel=5e-3)
    assert decode(pair["y"])[0] == pytest.approx(mu)
    assert player["layout"].get("updatemenus")  # ▶ Play
    # the caption names the pair it opens at, beside the run's own, and links it
    caption = sent["html"][: sent["html"].index("Plotly.newPlot")]
    assert f"opens at learning rate {lr:g}" in caption and "momentum μ 0.5" in caption
    assert "the run: learning rate" in caption and "On the map:" in caption
    link = caption.split("The pair shown as the run: ")[1].split("<")[0]
    assert "momentum=0.5" in link and "learning_rate=" in link
    assert float(link.split("learning_rate=")[1].split("&")[0]) == pytest.approx(
        lr, rel=5e-3
    )
    assert sent["file"].endswith(".html") and sent["nonce"] == 1
    # the next rerun sends no file again
    at.run()
    assert saved_view(at)["html"] is None


def test_a_saved_view_draws_the_pair_it_opens_on(lesson):
    """The pair's own run (train at that learning rate and momentum), and a name that is
    no frame refused."""
    paths, (i0, j0), momenta, spec = pair_figure(lesson, "nesterov")
    rates = len(spec["layout"]["sliders"][0]["steps"])
    i, j = (i0 + 5) % rates, (j0 + 3) % len(momenta)
    opened = scrubber.opened_at(spec, f"lr {i} momentum {j}")
    assert [s["active"] for s in opened["layout"]["sliders"]] == [i, j]
    names = [t.get("name") for t in opened["data"]]
    path = opened["data"][names.index("path")]
    run = train(
        lesson[0].X,
        lesson[0].y,
        optimizer="nesterov",
        learning_rate=float(paths.learning_rates[j * rates + i]),
        momentum=float(momenta[j]),
        epochs=2000,
        tol=1e-6,
    )
    drawn = decode(path["x"])
    kept = (paths.steps <= run.n_steps) & np.isfinite(drawn)
    np.testing.assert_allclose(drawn[kept], run.theta[paths.steps[kept], 0], rtol=1e-6)
    with pytest.raises(KeyError):
        scrubber.opened_at(spec, "lr 0 momentum 99")
    # a frame's name and its run, both ways
    assert scrubber.frame_run(scrubber.pair_frame(j * rates + i, rates), rates) == (
        j * rates + i
    )
    # a rate slider alone (GD): the step that animates to the frame
    *_, gd = scrub_figure(lesson)
    assert scrubber.opened_at(gd, "lr 4")["layout"]["sliders"][0]["active"] == 4


@pytest.mark.parametrize("stacked", [False, True])
def test_the_pair_figure_is_valid_plotly(lesson, stacked):
    import plotly.graph_objects as go

    *_, spec = pair_figure(lesson, "nesterov", stacked=stacked)
    # Plotly's validator on every trace, axis, image, slider and frame
    validated = go.Figure(spec)
    assert len(validated.frames) == len(spec["frames"]) and [
        s.name for s in validated.layout.sliders
    ] == [
        "learning_rate",
        "momentum",
    ]


@pytest.mark.parametrize(
    ("optimizer", "flat"), [("momentum", True), ("nesterov", False), ("gd", None)]
)
def test_the_maps_marks_are_named_under_it(optimizer, flat):
    """The map's lines and marks have names on hover only: the caption names them (the
    flat √μ region is heavy ball's alone); no map, no key."""
    from apptest_util import app, assert_ok

    at = app(optimizer=optimizer, scrub="true")
    assert_ok(at)
    caption = " ".join(c.value for c in at.caption)
    assert ("stability limit" in caption and "fastest pair" in caption) == (
        flat is not None
    )
    assert ("flat region" in caption) == bool(flat)


@pytest.mark.parametrize("present", ["true", "false"])
def test_the_momentum_map_is_a_view_beside_the_others_not_on_the_strip(present):
    """The map's image sits on axes of the views' row (presenting: four in a row; else
    two by two), never on the strip of rates under them."""
    import json

    from apptest_util import app, assert_ok

    at = app(preset="momentum", scrub="true", present=present)
    assert_ok(at)
    spec = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if "momentum" in json.dumps(json.loads(c.proto.spec)["layout"].get("sliders"))
    )
    layout = spec["layout"]
    (image,) = layout["images"]
    y = "yaxis" + image["yref"].removeprefix("y")
    strip_bottom = min(
        v["domain"][0] for k, v in layout.items() if k.startswith("yaxis")
    )
    assert layout[y]["domain"][0] > strip_bottom  # not the lowest row: the strip
