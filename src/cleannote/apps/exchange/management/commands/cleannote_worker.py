"""`manage.py cleannote_worker`: run an RQ worker on the cleannote queue (needs REDIS_URL)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cleannote.platform.tasks import QUEUE_NAME, queue, redis_url


class Command(BaseCommand):
    help = "Run background tasks from the Redis queue named by REDIS_URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--burst", action="store_true", help="stop when the queue is empty")
        parser.add_argument(
            "--simple", action="store_true", help="run jobs in this process (no fork)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not redis_url():
            raise CommandError("REDIS_URL is not set: tasks run in-process, no worker needed")
        from rq import SimpleWorker, Worker

        work_queue = queue()
        worker_class = SimpleWorker if options["simple"] else Worker
        worker = worker_class([work_queue], connection=work_queue.connection)
        self.stdout.write(f"Worker on queue {QUEUE_NAME} ({len(work_queue)} jobs waiting)")
        worker.work(burst=options["burst"], with_scheduler=False)
        self.stdout.write("Worker stopped.")
