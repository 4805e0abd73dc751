from setuptools import find_packages, setup

with open('README.rst', encoding='utf-8') as readme:
    long_description = readme.read()

setup(
    name='influxpy',
    version='0.1.0',
    description='A Django-style ORM for InfluxDB 1.x',
    long_description=long_description,
    long_description_content_type='text/x-rst',
    license='MIT',
    python_requires='>=3.11',
    packages=find_packages(include=['influxpy', 'influxpy.*']),
    # The Django app's static files (the vendored uPlot) and templates ship in the wheel.
    package_data={'influxpy': ['py.typed', 'contrib/django/static/**/*',
                               'contrib/django/templates/**/*']},
    install_requires=[
        'influxdb>=5.3,<6',
        'python-dateutil>=2.8',
    ],
    extras_require={
        'pandas': ['pandas>=2.0'],
        'django': ['Django>=4.2', 'djangorestframework>=3.14', 'drf-spectacular>=0.27',
                   'drf-spectacular-sidecar>=2024.1', 'orjson>=3.9'],
        'docker': ['docker>=6.0'],
        'demo': ['vega_datasets>=0.9'],
        # The browser tests also need Debian's chromium and chromium-driver.
        'browser': ['selenium>=4.15'],
        'dev': [
            'vega_datasets>=0.9',
            'pytest>=8',
            'hypothesis>=6.100',
            'ruff>=0.5',
            'mypy>=1.10',
            'pandas>=2.0',
            'numpy>=1.26',
            'types-requests',
            'types-python-dateutil',
            'Django>=4.2',
            'djangorestframework>=3.14',
            'drf-spectacular>=0.27',
            'drf-spectacular-sidecar>=2024.1',
            'orjson>=3.9',
            'pytest-django>=4.8',
            'psycopg[binary]>=3.1',
            'selenium>=4.15',
        ],
    },
    entry_points={
        'pytest11': ['influxpy = influxpy.testing.pytest_plugin'],
        'console_scripts': ['influxpy = influxpy.cli.commands:main'],
    },
    classifiers=[
        'Programming Language :: Python :: 3',
        'Framework :: Django',
        'Topic :: Database',
    ],
)
