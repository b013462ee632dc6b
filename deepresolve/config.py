"""Validation of the workflow configuration with messages that name the key and the fix."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml


def _key_path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path) or "<top level>"


def _describe(error: jsonschema.ValidationError) -> str:
    key = _key_path(error)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        where = f"under '{key}'" if error.absolute_path else "at the top level"
        return f"unknown config key(s) {unknown} {where}; allowed keys: {allowed}"
    if error.validator == "enum":
        allowed = error.validator_value
        return f"config key '{key}': {error.instance!r} is not allowed; allowed values: {allowed}"
    if error.validator == "propertyNames":
        return f"config key '{key}': {error.message}"
    if error.validator == "required":
        return f"config key '{key}': {error.message}"
    return f"config key '{key}': {error.message}"


def config_errors(config: dict, schema_path: str | Path) -> list[str]:
    """Return one readable message per schema violation (empty list when the config is valid)."""
    schema = yaml.safe_load(Path(schema_path).read_text())
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    messages = []
    for error in errors:
        leaves = [error]
        if error.context:
            leaves = [e for e in error.context if e.validator != "required"] or error.context
        messages.extend(_describe(leaf) for leaf in leaves)
    return list(dict.fromkeys(messages))


def check_config(config: dict, schema_path: str | Path) -> None:
    """Raise ``ValueError`` listing every violation of ``schema_path`` in ``config``."""
    messages = config_errors(config, schema_path)
    if messages:
        raise ValueError("invalid configuration:\n  - " + "\n  - ".join(messages))


def model_config(config: dict, dataset: str) -> dict:
    """The CNN hyper-parameters for ``dataset``: ``model`` with its ``per_dataset`` override."""
    base = {k: v for k, v in config["model"].items() if k != "per_dataset"}
    base.update(config["model"].get("per_dataset", {}).get(dataset, {}))
    return base
