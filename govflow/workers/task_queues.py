"""Task-queue names live here and nowhere else."""

from govflow.settings import DEFAULT_TASK_QUEUE

CASES = DEFAULT_TASK_QUEUE
