"""Our top-level packages are ours alone: a dependency that ever ships a package of the same
name (a `domain`, a `workers`) would shadow ours in site-packages; this fails CI instead."""

from importlib.metadata import packages_distributions

import pytest

OURS = ("domain", "activities", "workflows", "workers", "govflow")


@pytest.mark.parametrize("package", OURS)
def test_each_top_level_package_is_provided_by_this_distribution_alone(package: str) -> None:
    assert set(packages_distributions().get(package, [])) == {"govflow"}


def test_the_distribution_provides_no_other_top_level_package() -> None:
    ours = {name for name, dists in packages_distributions().items() if "govflow" in dists}
    assert ours == set(OURS)
