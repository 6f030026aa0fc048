"""The portal's settings, plus the baselines' URLs and templates, and a folder of files served as static."""

import os
from pathlib import Path

from pledge_portal.settings import *  # noqa: F403
from pledge_portal.settings import TEMPLATES

ROOT_URLCONF = "directory_baselines.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], Path(__file__).resolve().parent / "templates"]
# whitenoise serves this folder's files at the site's root, as it serves collected static files.
WHITENOISE_ROOT = os.environ["BENCHMARK_FILES"]
