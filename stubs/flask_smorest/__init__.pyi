from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar

import flask
from apispec import APISpec

_F = TypeVar("_F", bound=Callable[..., Any])

class Blueprint(flask.Blueprint):
    def __init__(
        self,
        name: str,
        import_name: str,
        *args: Any,
        description: str | None = ...,
        **kwargs: Any,
    ) -> None: ...
    def route(
        self, rule: str, *, parameters: list[Any] | None = ..., **options: Any
    ) -> Callable[[_F], _F]: ...
    def arguments(
        self,
        schema: Any,
        *,
        location: str = ...,
        content_type: str | None = ...,
        required: bool = ...,
        description: str | None = ...,
        example: Any = ...,
        examples: Mapping[str, Any] | None = ...,
        **kwargs: Any,
    ) -> Callable[[_F], _F]: ...
    def response(
        self,
        status_code: int | str,
        schema: Any = ...,
        *,
        description: str | None = ...,
        example: Any = ...,
        examples: Mapping[str, Any] | None = ...,
        headers: Mapping[str, Any] | None = ...,
    ) -> Callable[[_F], _F]: ...
    def alt_response(
        self,
        status_code: int | str,
        response: Any = ...,
        *,
        schema: Any = ...,
        description: str | None = ...,
        example: Any = ...,
        examples: Mapping[str, Any] | None = ...,
        headers: Mapping[str, Any] | None = ...,
        success: bool = ...,
    ) -> Callable[[_F], _F]: ...
    def doc(self, **kwargs: Any) -> Callable[[_F], _F]: ...

class Api:
    spec: APISpec
    ERROR_SCHEMA: Any
    def __init__(
        self,
        app: flask.Flask | None = ...,
        *,
        spec_kwargs: Mapping[str, Any] | None = ...,
    ) -> None: ...
    def init_app(
        self, app: flask.Flask, *, spec_kwargs: Mapping[str, Any] | None = ...
    ) -> None: ...
    def register_blueprint(
        self, blp: Blueprint, *, parameters: Any = ..., **options: Any
    ) -> None: ...
    def handle_http_exception(self, error: Exception) -> Any: ...

def abort(http_status_code: int, **kwargs: Any) -> NoReturn: ...
