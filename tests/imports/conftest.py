import pytest

from mediagov.registry.platforms import Platform

from ..activity.builders import accounts
from ..registry.factories import register


@pytest.fixture
def w(world):
    """The activity tests' accounts (builders.accounts) plus 化工学院's Douyin account."""
    w = accounts(world)
    w.douyin = register(w, name="化工学院抖音", platform=Platform.DOUYIN, platform_id="dut_chem_2026")
    return w


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    """Uploaded files and progress files in a directory of the test's own."""
    settings.MEDIAGOV_IMPORT_DIR = tmp_path / "imports"
    return settings.MEDIAGOV_IMPORT_DIR


@pytest.fixture
def eager_celery():
    """Tasks run in the test's process when sent (`make run` sends them to the worker)."""
    from mediagov.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before
