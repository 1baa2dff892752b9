import json
import subprocess
import sys

import pytest


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "linreg", *args], capture_output=True, text=True, cwd=cwd
    )


def test_seed_style_log():
    out = run("fit", "--epochs", "400", "--log-every", "200")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert (
        lines[0].startswith("Epoch  200: w=")
        and ", b=" in lines[0]
        and ", Loss=" in lines[0]
    )
    assert lines[1].startswith("Epoch  400:") and lines[-1].startswith("Final: w=")


def test_json_and_csv(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("a,b,t\n" + "".join(f"{i},{i % 3},{2 * i + 1}\n" for i in range(30)))
    out = run(
        "fit",
        "--csv",
        str(f),
        "--features",
        "a",
        "--target",
        "t",
        "--standardize",
        "--learning-rate",
        "0.5",
        "--epochs",
        "200",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert res["w"][0] == pytest.approx(2.0, rel=1e-6) and res["b"] == pytest.approx(
        1.0, rel=1e-5
    )


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["fit", "--learning-rate", "0"], "learning_rate must be"),
        (["fit", "--epochs", "0"], "epochs"),
        (["fit", "--batch", "mini", "--batch-size", "1000"], "batch_size"),
        (["fit", "--optimizer", "lbfgs"], "invalid choice"),
        (
            ["fit", "--csv", "/nonexistent.csv", "--features", "a", "--target", "b"],
            "cannot read",
        ),
        (["fit", "--csv", "x.csv"], "needs --features"),
    ],
)
def test_bad_arguments_one_line_exit_2(args, match):
    out = run(*args)
    assert out.returncode == 2
    assert match in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


def test_divergence_is_reported_not_raised():
    out = run("fit", "--learning-rate", "5", "--log-every", "0")
    assert out.returncode == 0 and "Diverged at step" in out.stdout


@pytest.mark.parametrize(
    "dataset", ["cortical", "synthetic", "tips", "iris", "gapminder"]
)
def test_every_dataset_the_app_offers(dataset):
    out = run(
        "fit",
        "--dataset",
        dataset,
        "--standardize",
        "--learning-rate",
        "0.5",
        "--epochs",
        "300",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert (
        res["w"] == pytest.approx(res["closed_form"][:-1], rel=1e-4)
        and res["diverged_at_step"] is None
    )


def test_flags_are_the_settings_names_and_defaults():
    """One name per idea: every Settings field is a flag of the same name (URL key =
    flag) and default."""
    import dataclasses

    from linreg.cli import NOT_FLAGS, build_parser
    from linreg.experiment import Settings

    args = build_parser().parse_args(["fit"])
    for field in dataclasses.fields(Settings):
        if field.name not in NOT_FLAGS:
            assert getattr(args, field.name) == getattr(Settings(), field.name), (
                field.name
            )
    out = run("fit", "--optimizer", "adagrad", "--epochs", "5", "--json")
    assert json.loads(out.stdout)["hyperparameters"] == {"eps": 1e-10}
