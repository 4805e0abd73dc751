"""The measurements the API exposes, each as a :class:`Source`."""
