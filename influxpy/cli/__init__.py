"""The command line (``python -m influxpy``, ``influxpy``) and its demo."""
