"""The migration workflow: the migrations folder and its lock file, the tracking table,
and the commands built on them (generate, apply, status, drop, down)."""
