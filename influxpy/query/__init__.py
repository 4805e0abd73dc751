"""The read side: builds and compiles InfluxQL without touching the network."""
