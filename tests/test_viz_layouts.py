"""Every figure that has a phone layout builds it: the views one under another, never
side by side."""

from linreg.experiment import Settings, run
from linreg.sweep import log_grid, sweep_full_batch
from linreg.theory import rate_map
from linreg.viz import compare, playground, rates


def _stacked(fig) -> bool:
    layout = fig.to_plotly_json()["layout"]
    return (
        layout["xaxis"]["domain"] == layout["xaxis2"]["domain"]
        and layout["yaxis"]["domain"] != layout["yaxis2"]["domain"]
    )


def test_phone_layouts_stack_their_views():
    r = run(Settings(epochs=50))
    a = r.analysis
    sweep = sweep_full_batch(
        r.traj.quadratic, log_grid(count=12), 50, "gd", r.traj.theta[0], 1e-6
    )
    figures = [
        playground.playground_figure(
            r.traj,
            r.data.X,
            r.data.y,
            a,
            r.theta_original,
            r.optimum_original,
            options=playground.PlotOptions(stacked=True),
        ),
        compare.race_figure([("gd", r.traj), ("again", r.traj)], a, stacked=True),
        rates.sweep_figure(sweep, rate_map(a, "gd"), stacked=True),
    ]
    assert all(_stacked(f) for f in figures)
    side = rates.sweep_figure(sweep, rate_map(a, "gd"))
    assert not _stacked(side)
