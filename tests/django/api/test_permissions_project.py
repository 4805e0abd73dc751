"""Series permissions in freshly generated projects (subprocesses): the migration applies
next to Django's own and next to a custom user model, even one without groups, and
selectors_for answers there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import influxpy

ROOT = str(Path(influxpy.__file__).resolve().parent.parent)   # this checkout, not another

SCRIPT = '''
from django.contrib.auth import get_user_model
from influxpy.contrib.django.api.permissions import selectors_for, visible_measurements
from influxpy.contrib.django.models import SeriesPermission

User = get_user_model()
user = User.objects.create(**{User.USERNAME_FIELD: 'alice@example.org'})
SeriesPermission.objects.create(user=user, measurement='cpu', tags={'region': 'eu'},
                                can_append=True)
print(selectors_for(user, 'cpu', 'append'), selectors_for(user, 'mem', 'view'),
      visible_measurements(user, ['cpu', 'mem']))
'''

EMAIL_USER = '''
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models


class Member(AbstractBaseUser):
    """No groups, no is_superuser: only what AbstractBaseUser has."""

    email = models.EmailField(unique=True)
    USERNAME_FIELD = 'email'
'''


def _project(tmp_path: Path, settings: str, user_app: str | None = None) -> dict[str, str]:
    subprocess.run([sys.executable, '-m', 'django', 'startproject', 'site_', str(tmp_path)],
                   check=True, capture_output=True, timeout=60)
    if user_app is not None:
        (tmp_path / 'members').mkdir()
        (tmp_path / 'members' / '__init__.py').write_text('')
        (tmp_path / 'members' / 'models.py').write_text(user_app)
    with open(tmp_path / 'site_' / 'settings.py', 'a', encoding='utf-8') as handle:
        handle.write(settings)
    return {**{k: v for k, v in os.environ.items() if k != 'PYTEST_ADDOPTS'},
            'DJANGO_SETTINGS_MODULE': 'site_.settings', 'PYTHONPATH': ROOT}


def _manage(tmp_path: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, 'manage.py', *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_in_a_new_project(tmp_path: Path) -> None:
    env = _project(tmp_path, "\nINSTALLED_APPS += ['influxpy.contrib.django']\n")
    assert 'Applying influxpy.0002_seriespermission... OK' in _manage(tmp_path, env, 'migrate')
    _manage(tmp_path, env, 'makemigrations', '--check', '--dry-run')
    _manage(tmp_path, env, 'check')
    assert _manage(tmp_path, env, 'shell', '--no-imports', '-c', SCRIPT).strip() == (
        "({'region': 'eu'},) () ['cpu']")


def test_with_a_custom_user_model_without_groups(tmp_path: Path) -> None:
    env = _project(tmp_path, "\nINSTALLED_APPS += ['influxpy.contrib.django', 'members']\n"
                             "AUTH_USER_MODEL = 'members.Member'\n", EMAIL_USER)
    _manage(tmp_path, env, 'makemigrations', 'members')
    out = _manage(tmp_path, env, 'migrate')
    assert out.index('Applying members.0001_initial') < out.index(
        'Applying influxpy.0002_seriespermission... OK')
    _manage(tmp_path, env, 'check')
    assert _manage(tmp_path, env, 'shell', '--no-imports', '-c', SCRIPT).strip() == (
        "({'region': 'eu'},) () ['cpu']")
