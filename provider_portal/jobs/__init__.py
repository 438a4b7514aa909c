"""Background jobs: the portal enqueues rows in `job`; the jobs process (APScheduler) runs them."""
