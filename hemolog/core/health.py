"""``/healthz/`` for the load balancer: 200 when the database and the shared
cache (a database table, or Redis with ``REDIS_URL``) answer, and the task
queue when it is Redis (the database queue is the database), else 503 with
what did not, so a server that lost them leaves the rotation."""

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except (DatabaseError, InterfaceError):
        return False


def _shared_cache() -> bool:
    try:
        cache.set("healthz", "ok", 10)
        return cache.get("healthz") == "ok"
    except Exception:  # the cache's own errors (DatabaseError, redis' ConnectionError) differ by backend
        return False


def _queue() -> bool:
    try:
        url = settings.RQ_QUEUES["default"]["URL"]  # the queue's Redis, as RQ reads it
        return bool(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping())
    except (redis.RedisError, ValueError):
        return False


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "cache": _shared_cache()}
    if settings.TASK_BACKEND == "rq":
        checks["queue"] = _queue()
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if fine else "unreachable" for name, fine in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)
