"""The base of every request-body schema (pydantic): built on first use, not at import.

A pydantic model compiles its validator when its class is made, 2-7 ms each; the API has about
seventy body schemas, most never used by a given session. ``defer_build`` compiles a schema
the first time a body is validated against it; validation and its messages are unchanged.
"""

from pydantic import BaseModel, ConfigDict


class Body(BaseModel):
    model_config = ConfigDict(defer_build=True)
