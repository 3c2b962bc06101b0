"""What a level *is*: pydantic models of the level format and the YAML loader."""
