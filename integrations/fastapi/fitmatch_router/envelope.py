"""The app's envelope: {"ok": true, "data", "meta"} and {"ok": false, "error": {"code", "message"}}.

The app registers no global exception handlers; each route answers its own errors with an
explicit JSONResponse (compatibility audit). EnvelopeRoute does that for every route of this
router, and only for them: the route's own errors (ApiError), FastAPI's parameter validation
(which would otherwise answer {"detail": [...]}), HTTPExceptions from the app's dependencies
(get_current_user), a database that cannot be reached, and anything unexpected.
"""

import logging
from typing import Any, Callable, Coroutine, Dict, List, Optional

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from .scoring import FACETS

log = logging.getLogger("fitmatch_router")

# Query parameters that carry weights: their validation errors are INVALID_WEIGHTS.
_WEIGHT_PARAMS = {f"weights.{f}" for f in FACETS} | set(FACETS)

# Codes for HTTPExceptions whose detail is a plain string.
_CODE_BY_STATUS = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND"}


class ApiError(HTTPException):
    """An error a route answers: HTTP status, the app's code and a message for people.

    An HTTPException with the app's structured detail, so it still reads right if raised
    outside EnvelopeRoute."""

    def __init__(self, status: int, code: str, message: str,
                 headers: Optional[Dict[str, str]] = None) -> None:
        super().__init__(status, detail={"code": code, "message": message}, headers=headers)
        self.code = code
        self.message = message

    def response(self) -> JSONResponse:
        return JSONResponse(status_code=self.status_code, headers=self.headers,
                            content={"ok": False, "error": {"code": self.code, "message": self.message}})


def ok(data: Dict[str, Any], meta: Dict[str, Any]) -> Dict[str, Any]:
    return {"ok": True, "data": data, "meta": meta}


def embedding_not_found_message(entity: str, entity_id: int) -> str:
    return f"Embedding data not found for {entity} {entity_id}"


def embedding_not_found(entity: str, entity_id: int) -> ApiError:
    return ApiError(404, "EMBEDDING_NOT_FOUND", embedding_not_found_message(entity, entity_id))


def matching_disabled() -> ApiError:
    return ApiError(503, "MATCHING_DISABLED", "Matching service is disabled")


def validation_error(errors: List[Dict[str, Any]]) -> ApiError:
    """FastAPI's validation errors as one 422: INVALID_WEIGHTS when only weights are wrong."""
    names = [str(e["loc"][-1]) for e in errors]
    code = "INVALID_WEIGHTS" if names and all(n in _WEIGHT_PARAMS for n in names) else "INVALID_PARAMETER"
    parts = []
    for e, name in zip(errors, names):
        where = f"{e['loc'][0]} parameter " if len(e["loc"]) > 1 else ""
        parts.append(f"{where}{name}: {e['msg']}")
    return ApiError(422, code, "; ".join(parts))


def from_http_exception(exc: StarletteHTTPException) -> ApiError:
    detail = exc.detail
    if isinstance(detail, dict) and isinstance(detail.get("code"), str):
        code, message = detail["code"], str(detail.get("message", ""))
    else:
        code = _CODE_BY_STATUS.get(exc.status_code, f"HTTP_{exc.status_code}")
        message = detail if isinstance(detail, str) else str(detail)
    return ApiError(exc.status_code, code, message, headers=getattr(exc, "headers", None))


class EnvelopeRoute(APIRoute):
    """A route that answers every error in the app's envelope (see the module's docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        path = self.path

        async def envelope_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiError as exc:
                return exc.response()
            except RequestValidationError as exc:
                return validation_error(exc.errors()).response()
            except StarletteHTTPException as exc:
                return from_http_exception(exc).response()
            except OperationalError:
                # The message may carry the server's address or the statement: logged, not sent.
                log.exception("fitmatch router: database unavailable on %s", path)
                return ApiError(503, "DATABASE_UNAVAILABLE",
                                "The matching database could not be reached; try again later").response()
            except Exception:
                log.exception("fitmatch router: unexpected error on %s", path)
                return ApiError(500, "INTERNAL_ERROR", "Internal error while answering the request").response()

        return envelope_handler
