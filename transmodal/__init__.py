"""transmodal: evaluation harness for modality-translation models.

Importing the package loads no model code: registries hold lazy ``module:attr``
entries that are imported only when a task, model or metric is used.
"""

__version__ = "0.1.0"
