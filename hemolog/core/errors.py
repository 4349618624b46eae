"""The app's own answer to a request it cannot read.

Django's default ``bad_request`` view is wrapped in ``requires_csrf_token``,
whose CSRF check reads ``request.POST`` again: a form POST whose
``Content-Type`` names a charset other than UTF-8 made Django raise
``BadRequest``, then raise it again inside the 400 view, and the answer was a
500. This view never reads the body."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "400.html", status=400)
