"""OrderDesk: one system for the order desk and the service desk."""

__version__ = "0.1.0"
