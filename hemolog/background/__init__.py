"""Work that runs outside a request: the task queue and the periodic jobs.

- :mod:`.jobs`: a *job* is work a person waits for (an archive restore, a CSV
  import check, a long PDF). It is a :class:`.models.Job` row the person's
  page polls for its progress and result, run by a task of Django's tasks
  API (``django-tasks``: the database queue by default, Redis/RQ with
  ``REDIS_URL``), retried a few times when it fails, with all its writes in
  one transaction.
- :mod:`.mail`: every e-mail goes through the queue (an e-mail backend that
  enqueues), so a slow or failing mail server never holds a request; a send
  that fails is tried again later.
- :mod:`.periodic`: what runs on a schedule (``manage.py scheduler``), each
  run claimed by one scheduler only, however many hosts run one.
"""
