"""A real, throwaway InfluxDB for tests and demos, and the pytest plugin's fixtures."""

from .server import (
    DockerInfluxServer,
    ExternalServer,
    InfluxServer,
    ServerStartError,
    free_port,
    start_server,
)

__all__ = ['DockerInfluxServer', 'ExternalServer', 'InfluxServer', 'ServerStartError',
           'free_port', 'start_server']
